package io.pgoperator.app;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pgoperator.app.cli.OperatorOptions;
import io.pgoperator.app.embedded.EmbeddedApiServer;
import io.pgoperator.runtime.OperatorRuntime;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --embedded}: start the in-process API server, run the operator against it, install the
 * CRD and the samples, and print where to look. Ctrl-C stops it all.
 */
final class EmbeddedRun {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedRun.class);

  private EmbeddedRun() {}

  static void run(OperatorOptions options) {
    EmbeddedApiServer api = EmbeddedApiServer.start();
    Runtime.getRuntime().addShutdownHook(new Thread(api::close, "embedded-api-stop"));
    OperatorRuntime runtime = Main.start(options, api.config());
    ProcessLifecycle.stopOnSignal(runtime, options.gracefulShutdownTimeout());
    try {
      // Blocking client calls: this is the main thread, not an event loop.
      api.installCrd(runtime.client());
      List<HasMetadata> samples = api.applySamples(runtime.client());
      Path kubeconfig = api.writeKubeconfig();
      System.out.println(banner(api, runtime, samples, kubeconfig));
    } catch (Exception e) {
      log.error("embedded mode could not install the CRD and samples: {}", e.getMessage());
      ProcessLifecycle.exit(1, "embedded set-up failed");
    }
    ProcessLifecycle.awaitStop();
  }

  static String banner(EmbeddedApiServer api, OperatorRuntime runtime, List<HasMetadata> samples, Path kubeconfig) {
    String probes = "http://localhost:" + runtime.probePort();
    String metrics = runtime.metricsPort() < 0 ? "(disabled)" : "http://localhost:" + runtime.metricsPort() + "/metrics";
    String created = samples.stream()
        .map(o -> o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName())
        .collect(Collectors.joining(", "));
    return """

        pg-operator is running in embedded mode (no cluster needed).
          API server (in-process): %s   kubeconfig: %s
          Samples applied:         %s
          Readiness:               curl -s '%s/readyz?verbose'
          Metrics:                 curl -s %s
          Try:                     kubectl --kubeconfig %s get pgc -A
        Press Ctrl-C to stop.
        """.formatted(api.url(), kubeconfig, created, probes, metrics, kubeconfig);
  }
}
