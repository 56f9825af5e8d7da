package io.pgoperator.app;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pgoperator.app.cli.OperatorOptions;
import io.pgoperator.app.embedded.EmbeddedApiServer;
import io.pgoperator.runtime.RuntimeOptions;
import io.pgoperator.runtime.leader.LeaderElectionConfig;
import io.vertx.core.Future;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --embedded}: start the in-process API server, run three replicas of the operator
 * against it with leader election, install the CRD and the samples, print where to look, and
 * let the user stop the leader from the keyboard to watch a standby take over. Ctrl-C stops all.
 */
final class EmbeddedRun {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedRun.class);

  private EmbeddedRun() {}

  static void run(OperatorOptions options) {
    EmbeddedApiServer api = EmbeddedApiServer.start();
    EmbeddedReplicas replicas = new EmbeddedReplicas(OperatorOptions.EMBEDDED_REPLICAS, i -> replicaSettings(options, i), api.config());
    ProcessLifecycle.stopOnSignal(() -> stopAll(replicas, api, options.gracefulShutdownTimeout()),
        options.gracefulShutdownTimeout());
    try {
      replicas.startAll();
      // Blocking client calls: this is the main thread, not an event loop.
      api.installCrd(replicas.adminClient());
      List<HasMetadata> samples = api.applySamples(replicas.adminClient());
      System.out.println(banner(api, replicas, samples, api.writeKubeconfig()));
    } catch (Exception e) {
      log.error("embedded mode could not start: {}", e.getMessage());
      ProcessLifecycle.exit(1, "embedded set-up failed");
    }
    readCommands(replicas);
    ProcessLifecycle.awaitStop();
  }

  /**
   * Runs on the shutdown thread. The demo API server goes first, and the Lease with it, so the
   * replicas leave the Lease alone instead of releasing it into a time-out. Stopping the replicas
   * first is worse: fabric8's mock server can stall its event loop for up to a minute when a
   * client closes a watch while an event to it is in flight.
   */
  static Future<Void> stopAll(EmbeddedReplicas replicas, AutoCloseable api, Duration timeout) {
    try {
      api.close();
    } catch (Exception stalled) {
      // The stall above, from a replica stopped just before (a watch closed while the new
      // leader's first writes were in flight): the replicas must stop all the same.
      log.warn("the demo API server did not close cleanly ({}); stopping the replicas anyway", stalled.getMessage());
    }
    try {
      replicas.stopAllWithoutRelease().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("replicas did not stop within {} ms", timeout.toMillis());
    }
    return Future.succeededFuture();
  }

  /** Replica {@code i} (from 0) listens on the configured ports plus 10 × i (or on free ports for port 0). */
  static RuntimeOptions replicaSettings(OperatorOptions options, int index) {
    RuntimeOptions base = RuntimeSettings.from(options);
    LeaderElectionConfig election = base.leaderElection()
        .orElseThrow(() -> new IllegalStateException("embedded options always elect a leader"))
        .withIdentity("replica-" + (index + 1));
    return new RuntimeOptions(base.probeAddress().plusPort(10 * index), base.metricsAddress().plusPort(10 * index),
        Optional.of(election), base.watchNamespaces(), base.maxConcurrentReconciles(), base.syncPeriod(),
        base.gracefulShutdownTimeout(), base.cacheSyncTimeout());
  }

  private static void readCommands(EmbeddedReplicas replicas) {
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          switch (line.trim()) {
            case "s" -> replicas.stopLeader();
            case "r" -> replicas.restartStopped();
            case "l" -> System.out.println(replicas.describe());
            case "q" -> ProcessLifecycle.exit(0, "quit from the keyboard");
            case "" -> { }
            default -> System.out.println(KEYS);
          }
        }
      } catch (Exception e) {
        log.debug("keyboard input closed: {}", e.toString());
      }
    }, "embedded-keyboard");
    reader.setDaemon(true);
    reader.start();
  }

  private static final String KEYS =
      "Keys (then Enter): s = stop the leader (a standby takes over), r = restart stopped replicas, "
          + "l = list replicas, q = quit";

  static String banner(EmbeddedApiServer api, EmbeddedReplicas replicas, List<HasMetadata> samples, Path kubeconfig) {
    String created = samples.stream()
        .map(o -> o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName())
        .collect(Collectors.joining(", "));
    String kubectl = "kubectl --kubeconfig " + kubeconfig;
    return """

        pg-operator is running in embedded mode: %d replicas with leader election, no cluster needed.
          API server (in-process): %s
          Samples applied:         %s
        %s
          Readiness:  curl -s 'http://localhost:%d/readyz?verbose'
          Metrics:    curl -s http://localhost:%s/metrics
          Clusters:   %s get pgc -A -o custom-columns='NAME:.metadata.name,INSTANCES:.spec.instances,READY:.status.readyInstances,PHASE:.status.phase,RECONCILED:.status.conditions[?(@.type=="Reconciled")].reason'
          Children:   %s get sts,svc,pdb,cm,secret
          Leader:     %s get lease -o custom-columns=NAME:.metadata.name,HOLDER:.spec.holderIdentity,TRANSITIONS:.spec.leaseTransitions
        %s
        Press Ctrl-C to stop.
        """.formatted(OperatorOptions.EMBEDDED_REPLICAS, api.url(), created, replicas.describe(), replicas.probePort(0),
        replicas.metricsPort(0) < 0 ? "(disabled)" : String.valueOf(replicas.metricsPort(0)),
        kubectl, kubectl, kubectl, KEYS);
  }
}
