package io.pgoperator.app;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.runtime.OperatorRuntime;
import io.pgoperator.runtime.RuntimeOptions;
import io.pgoperator.runtime.leader.LeaderTerm;
import io.pgoperator.runtime.leader.LeadershipListener;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The embedded mode's replicas: each a whole operator runtime (its own Vert.x, client, elector,
 * probe and metrics ports) in this one process, competing for one Lease. Replicas are started,
 * stopped and restarted from the main or keyboard thread, never from an event loop.
 */
final class EmbeddedReplicas {

  private final IntFunction<RuntimeOptions> settings;
  private final Config config;
  private final OperatorRuntime[] running;
  private final int[] probePorts;
  private final int[] metricsPorts;

  EmbeddedReplicas(int count, IntFunction<RuntimeOptions> settings, Config config) {
    this.settings = settings;
    this.config = config;
    this.running = new OperatorRuntime[count];
    this.probePorts = new int[count];
    this.metricsPorts = new int[count];
  }

  synchronized void startAll() {
    for (int i = 0; i < running.length; i++) {
      start(i);
    }
  }

  private void start(int index) {
    OperatorRuntime runtime = Main.start(settings.apply(index), config);
    String name = "replica-" + (index + 1);
    runtime.leadership().addListener(new LeadershipListener() {
      @Override
      public void startedLeading(LeaderTerm term) {
        System.out.println(">> " + name + " is now the leader (" + term + ")");
      }

      @Override
      public void stoppedLeading(LeaderTerm term) {
        System.out.println(">> " + name + " stopped leading (" + term + ")");
      }
    });
    running[index] = runtime;
    probePorts[index] = runtime.probePort();
    metricsPorts[index] = runtime.metricsPort();
  }

  /** A client for set-up calls (CRD, samples): the first running replica's. */
  synchronized KubernetesClient adminClient() {
    for (OperatorRuntime runtime : running) {
      if (runtime != null) {
        return runtime.client();
      }
    }
    throw new IllegalStateException("no replica is running");
  }

  synchronized void stopLeader() throws java.util.concurrent.TimeoutException {
    for (int i = 0; i < running.length; i++) {
      if (running[i] != null && running[i].leadership().isLeader()) {
        System.out.println(">> stopping replica-" + (i + 1) + " (the leader): it drains, releases the Lease and exits");
        OperatorRuntime leader = running[i];
        running[i] = null;
        leader.stop().await(60, TimeUnit.SECONDS);
        System.out.println(">> replica-" + (i + 1) + " stopped; 'r' restarts it");
        return;
      }
    }
    System.out.println(">> no replica leads right now");
  }

  synchronized void restartStopped() {
    for (int i = 0; i < running.length; i++) {
      if (running[i] == null) {
        start(i);
        System.out.println(">> replica-" + (i + 1) + " restarted as a standby");
      }
    }
  }

  /** Stops every replica, leaving the Lease to the API server that goes away with them. */
  synchronized Future<Void> stopAllWithoutRelease() {
    List<Future<Void>> stops = new ArrayList<>();
    for (int i = 0; i < running.length; i++) {
      if (running[i] != null) {
        stops.add(running[i].stopWithoutRelease());
        running[i] = null;
      }
    }
    return Future.join(stops).mapEmpty();
  }

  int probePort(int index) {
    return probePorts[index];
  }

  int metricsPort(int index) {
    return metricsPorts[index];
  }

  synchronized String describe() {
    StringBuilder text = new StringBuilder("  Replicas:");
    for (int i = 0; i < running.length; i++) {
      OperatorRuntime runtime = running[i];
      String state = runtime == null ? "stopped" : runtime.leadership().isLeader() ? "LEADER" : "standby";
      text.append("\n    replica-").append(i + 1).append(": ").append(state)
          .append("  probes :").append(probePorts[i])
          .append("  metrics ").append(metricsPorts[i] < 0 ? "off" : ":" + metricsPorts[i]);
    }
    return text.toString();
  }
}
