// Run (numbers only, never fails on them; about 4 minutes with the default election timings):
// mvn -B -pl operator-app -am verify -Dit.test=FailoverBenchmark -Dgroups=benchmark -DexcludedGroups= \
//   -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
// Other election timings: add e.g. -Dfailover.flags="--lease-duration=4s --renew-deadline=3s --retry-period=1s"
package io.pgoperator.app.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.failover.AuditLog.Request;
import io.pgoperator.app.failover.FirstSeen.Moment;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.EnvtestBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three operator processes on a real, audited kube-apiserver, each "in a Pod" whose status a
 * {@link Kubelet} stand-in writes. Each round: SIGKILL of the leader with the kubelet reporting
 * the container terminated (a process crash on a live node: taken over on the report), SIGKILL
 * with no report (as after a node loss: taken over at lease expiry), then SIGTERM of the next one
 * (graceful handover). A fresh PostgresCluster is created as soon as the old leader can no longer
 * take it (dead, or Lease released). Reports per round: signal → another replica holds the
 * Lease, signal → the fresh cluster's status is written, who wrote it (its status field manager),
 * from the audit log the new leader's acquisition → its first write (not a Lease, not an Event),
 * and the API requests the new leader made as a standby after the signal and in its first seconds
 * as leader (a warm takeover makes no LIST). Prints a table and writes it to results.txt; fails
 * only when the harness does (a replica dies, nobody takes over, nothing gets reconciled).
 */
@Tag("benchmark")
class FailoverBenchmark {

  private static final int ROUNDS = 3;
  private static final Duration FIRST_SECONDS = Duration.ofSeconds(5);
  private static final Duration EXIT = Duration.ofSeconds(60);
  private static final Path DIR = FailoverLogs.logDir("FailoverBenchmark");
  private static final String NAMESPACE = "failover-benchmark";

  enum Scenario {
    REPORTED_CRASH("SIGKILL+kubelet"), CRASH("SIGKILL"), GRACEFUL("SIGTERM");

    final String signal;

    Scenario(String signal) {
      this.signal = signal;
    }
  }

  record Sample(int round, Scenario scenario, String from, String to, int exitCode, long createdMillis, long holderMillis,
      long reconciledMillis, String reconciledBy, long firstWriteMillis, List<Request> asStandby, List<Request> asLeader) {}

  @Test
  void crashFailoverAndGracefulHandover() {
    List<String> flags = flags();
    List<Sample> samples = new ArrayList<>();
    try (AuditedApiServer server = AuditedApiServer.start(DIR)) {
      server.installCrd(EnvtestBinaries.repositoryRoot().resolve("deploy/crd/postgresclusters.postgres.example.com-v1.yml"));
      Clusters.createNamespace(server.client(), NAMESPACE);
      OperatorProcesses processes = new OperatorProcesses(server.client(), server.kubeconfigYaml(), NAMESPACE, DIR, flags)
          .withKubelet();
      try (processes) {
        processes.start(3);
        for (int round = 1; round <= ROUNDS; round++) {
          for (Scenario scenario : Scenario.values()) {
            samples.add(measure(processes, server, scenario, round));
          }
        }
      } catch (RuntimeException | AssertionError e) {
        processes.printTails(System.err);
        throw e;
      }
    }
    String report = report(flags, samples);
    System.out.println(report);
    write(DIR.resolve("results.txt"), report);
    assertThat(samples).hasSize(ROUNDS * Scenario.values().length);
  }

  private static Sample measure(OperatorProcesses processes, AuditedApiServer server, Scenario scenario, int round) {
    KubernetesClient admin = server.client();
    Replica old = processes.awaitLeader();
    for (Replica standby : processes.live()) {
      if (standby != old) {
        Await.until(standby + " stands by, warm", () -> standby.readyz() == 200 && standby.reportsStandby(OperatorProcesses.LEASE));
      }
    }
    awaitIdle(processes.live());
    String fresh = scenario.name().toLowerCase().replace('_', '-') + "-" + round;
    try (FirstSeen<Lease> released = FirstSeen.watch("the Lease no longer held by " + old.identity(),
            lease(admin), lease -> !holder(lease).equals(old.identity()));
        FirstSeen<Lease> handedOver = FirstSeen.watch("another holder of the Lease than " + old.identity(),
            lease(admin), lease -> !holder(lease).isEmpty() && !holder(lease).equals(old.identity()));
        FirstSeen<PostgresCluster> reconciled = FirstSeen.watch("status of PostgresCluster " + fresh + " written",
            admin.resources(PostgresCluster.class).inNamespace(NAMESPACE).withName(fresh),
            c -> c.getStatus() != null && c.getStatus().getObservedGeneration() != null)) {
      Instant signalled = Instant.now();
      long t0 = System.nanoTime();
      // The fresh cluster appears once the old leader can no longer take it: when it is dead, or
      // when it has released the Lease (it ends its term before that, draining what it had started).
      if (scenario == Scenario.REPORTED_CRASH) {
        processes.crash(old);
      } else if (scenario == Scenario.CRASH) {
        old.kill();
        old.awaitExit(EXIT);
      } else {
        old.terminate();
        released.await(Duration.ofSeconds(120));
      }
      long created = System.nanoTime();
      Clusters.create(admin, NAMESPACE, fresh);
      Moment holder = handedOver.await(Duration.ofSeconds(120));
      Moment written = reconciled.await(Duration.ofSeconds(120));
      Replica next = processes.awaitLeaderOtherThan(old);
      int exitCode = old.awaitExit(EXIT);
      PostgresCluster cluster = Clusters.awaitReconciled(admin, NAMESPACE, fresh);

      Instant windowEnd = holder.wall().plus(FIRST_SECONDS);
      Await.until("the first " + FIRST_SECONDS.toSeconds() + "s of " + next.identity() + " as leader are over",
          FIRST_SECONDS.plusSeconds(5), () -> Instant.now().isAfter(windowEnd.plusMillis(200)));
      String agent = next.identity() + "/";
      List<Request> asStandby = server.audit().requests(agent, signalled, holder.wall());
      List<Request> asLeader = server.audit().requests(agent, holder.wall(), windowEnd);
      long firstWrite = acquisitionToFirstWrite(server.audit().requests(agent, signalled, windowEnd));

      Replica back = processes.restart(old);
      Await.until(back + " stands by after its restart", () -> back.reportsStandby(OperatorProcesses.LEASE));
      return new Sample(round, scenario, old.identity(), next.identity(), exitCode, millis(created - t0),
          millis(holder.nanos() - t0), millis(written.nanos() - t0),
          String.join(",", Clusters.statusManagers(cluster)), firstWrite, asStandby, asLeader);
    }
  }

  /**
   * From the audit log: the first successful Lease write of the new leader after the signal (its
   * acquisition) to its first write that is neither a Lease nor an Event (a child or a status), in
   * ms of the API server's receive times; -1 when there is none in the window.
   */
  private static long acquisitionToFirstWrite(List<Request> requests) {
    Instant acquired = requests.stream().filter(r -> r.isLease() && r.isWrite() && r.code() / 100 == 2)
        .map(Request::received).findFirst().orElse(null);
    if (acquired == null) {
      return -1;
    }
    return requests.stream()
        .filter(r -> r.isWrite() && !r.isLease() && !r.resource().startsWith("events") && !r.received().isBefore(acquired))
        .map(r -> Duration.between(acquired, r.received()).toMillis()).findFirst().orElse(-1L);
  }

  /**
   * Until each JVM uses under 5% of a core over a second. One just restarted is still compiling
   * and opening watches for a while after /readyz, and would take CPU from the takeover measured.
   */
  private static void awaitIdle(List<Replica> replicas) {
    Await.until("operator JVMs idle (each under 5% CPU over 1s)", Duration.ofSeconds(60), () -> {
      List<Duration> before = replicas.stream().map(Replica::cpuTime).toList();
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      for (int i = 0; i < replicas.size(); i++) {
        if (replicas.get(i).cpuTime().minus(before.get(i)).toMillis() >= 50) {
          return false;
        }
      }
      return true;
    });
  }

  private static io.fabric8.kubernetes.client.dsl.Resource<Lease> lease(KubernetesClient admin) {
    return admin.resources(Lease.class).inNamespace(NAMESPACE).withName(OperatorProcesses.LEASE);
  }

  private static String holder(Lease lease) {
    String holder = lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    return holder == null ? "" : holder;
  }

  private static long millis(long nanos) {
    return Duration.ofNanos(nanos).toMillis();
  }

  private static List<String> flags() {
    String value = System.getProperty("failover.flags", "").trim();
    return value.isEmpty() ? List.of() : Arrays.asList(value.split("\\s+"));
  }

  // ---- report ----

  private static String report(List<String> flags, List<Sample> samples) {
    StringBuilder out = new StringBuilder();
    out.append("\nFailover benchmark: 3 operator processes (fat jar, ").append(String.join(" ", OperatorJar.JVM_FLAGS))
        .append(") on a real kube-apiserver; election flags: ")
        .append(flags.isEmpty() ? "defaults (--lease-duration=15s --renew-deadline=10s --retry-period=2s)"
            : String.join(" ", flags))
        .append("\nTimes in ms from the signal. A fresh PostgresCluster is created once the old leader cannot take it"
            + " (SIGKILL: it is dead; SIGTERM: it released the Lease);\n'reconciled' is when its status was written."
            + " Requests (audit log) of the new leader: as a standby until it took over, and in its first ")
        .append(FIRST_SECONDS.toSeconds()).append("s as leader.\n\n");
    String row = "%-5s %-15s %-22s %4s %7s %10s %10s %-10s %9s %7s %6s %4s %8s %5s %6s %4s%n";
    out.append(String.format(row, "round", "signal", "old -> new leader", "exit", "created", "new holder", "reconciled",
        "written by", "acq->wrt", "standby", "leader", "LIST", "LIST pgc", "WATCH", "writes", "409"));
    for (Sample s : samples) {
      out.append(String.format(row, s.round(), s.scenario().signal, s.from() + " -> " + s.to(), s.exitCode(),
          s.createdMillis(), s.holderMillis(), s.reconciledMillis(), s.reconciledBy(), s.firstWriteMillis(),
          s.asStandby().size(), s.asLeader().size(),
          count(s.asLeader(), r -> r.verb().equals("list")),
          count(s.asLeader(), r -> r.verb().equals("list") && r.resource().equals("postgresclusters")),
          count(s.asLeader(), r -> r.verb().equals("watch")),
          count(s.asLeader(), Request::isWrite),
          count(s.asLeader(), r -> r.code() == 409)));
    }
    for (Scenario scenario : Scenario.values()) {
      List<Sample> of = samples.stream().filter(s -> s.scenario() == scenario).toList();
      out.append(String.format("%n%s (%s): new holder median %d ms (min %d, max %d); fresh cluster reconciled median %d ms"
              + " (min %d, max %d); acquisition -> first write median %d ms (min %d, max %d)",
          scenario.name().toLowerCase().replace('_', ' '), scenario.signal,
          median(of, Sample::holderMillis), min(of, Sample::holderMillis), max(of, Sample::holderMillis),
          median(of, Sample::reconciledMillis), min(of, Sample::reconciledMillis), max(of, Sample::reconciledMillis),
          median(of, Sample::firstWriteMillis), min(of, Sample::firstWriteMillis), max(of, Sample::firstWriteMillis)));
    }
    out.append("\n\nRequests of the new leader in its first ").append(FIRST_SECONDS.toSeconds())
        .append("s as leader, all rounds (verb resource -> HTTP status: count):\n");
    Map<String, Long> kinds = samples.stream().flatMap(s -> s.asLeader().stream())
        .collect(Collectors.groupingBy(r -> r.verb() + " " + r.resource() + " -> " + r.code(), TreeMap::new,
            Collectors.counting()));
    kinds.forEach((kind, n) -> out.append(String.format("  %-46s %d%n", kind, n)));
    return out.toString();
  }

  private static long count(List<Request> requests, Predicate<Request> match) {
    return requests.stream().filter(match).count();
  }

  private static long median(List<Sample> samples, java.util.function.ToLongFunction<Sample> value) {
    long[] sorted = samples.stream().mapToLong(value).sorted().toArray();
    return sorted.length == 0 ? -1 : sorted[sorted.length / 2];
  }

  private static long min(List<Sample> samples, java.util.function.ToLongFunction<Sample> value) {
    return samples.stream().mapToLong(value).min().orElse(-1);
  }

  private static long max(List<Sample> samples, java.util.function.ToLongFunction<Sample> value) {
    return samples.stream().mapToLong(value).max().orElse(-1);
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
