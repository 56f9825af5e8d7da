package io.pgoperator.app;

import io.fabric8.kubernetes.client.Config;
import io.pgoperator.app.cli.LoggingSetup;
import io.pgoperator.app.cli.OperatorCommandLine;
import io.pgoperator.app.cli.OperatorOptions;
import io.pgoperator.app.postgres.PostgresOperator;
import io.pgoperator.runtime.OperatorRuntime;
import io.pgoperator.runtime.RuntimeOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar operator.jar [flags]}: see {@code --help}. */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    OperatorOptions options = OperatorCommandLine.parseOrExit(args);
    LoggingSetup.configure(options);
    log.info("starting pg-operator {}{}: {}", OperatorCommandLine.version(),
        options.embedded() ? " in embedded mode (" + OperatorOptions.EMBEDDED_REPLICAS + " replicas, demo API server)" : "",
        options.describe());
    if (options.embedded()) {
      EmbeddedRun.run(options);
      return;
    }
    Config kubeConfig = KubeConfigs.load(options);
    OperatorRuntime runtime = start(RuntimeSettings.from(options), kubeConfig);
    ProcessLifecycle.stopOnSignal(runtime::stop, options.gracefulShutdownTimeout());
    ProcessLifecycle.awaitStop();
  }

  /** Starts the runtime with the PostgreSQL controller, or exits 1 with the reason. */
  static OperatorRuntime start(RuntimeOptions settings, Config kubeConfig) {
    try {
      OperatorRuntime runtime = OperatorRuntime.start(settings, kubeConfig, PostgresOperator::controllers)
          .await(60, TimeUnit.SECONDS);
      runtime.onLostLeadershipExit(() -> ProcessLifecycle.exit(1, "leadership lost and --exit-on-lost-leadership is set"));
      log.info("started: probes on :{}, metrics on {}", runtime.probePort(),
          runtime.metricsPort() < 0 ? "(disabled)" : ":" + runtime.metricsPort());
      return runtime;
    } catch (Exception e) {
      log.error("failed to start: {}", e.getMessage(), log.isDebugEnabled() ? e : null);
      ProcessLifecycle.exitNow(1);
      throw new IllegalStateException("unreachable");
    }
  }
}
