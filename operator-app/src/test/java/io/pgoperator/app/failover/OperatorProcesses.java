package io.pgoperator.app.failover;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.runtime.testing.Await;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * N operator JVMs of the fat jar competing for one Lease on a real API server, each watching one
 * namespace that also holds the Lease. Replicas are named {@code replica-1..N}; that name is the
 * {@code --identity}, hence the Lease's {@code holderIdentity}. Logs go to {@code
 * <logDir>/<identity>.log} (a restart writes {@code <identity>.<n>.log}) and stay after the run.
 * {@link #close()} kills every process, stopped ones included.
 */
final class OperatorProcesses implements AutoCloseable {

  static final String LEASE = "pg-operator.postgres.example.com";
  /** Valid (4s > 3s > 1.2 × 1s) and short, so a crashed leader is replaced within seconds. */
  static final List<String> FAST_ELECTION = List.of("--lease-duration=4s", "--renew-deadline=3s", "--retry-period=1s");
  /** Generous: three JVMs start at once on a small machine next to an API server. */
  static final Duration STARTUP = Duration.ofSeconds(120);
  static final Duration ELECTION = Duration.ofSeconds(60);
  private static final int TAIL = 60;

  private final KubernetesClient admin;
  private final Path jar;
  private final Path kubeconfig;
  private final String namespace;
  private final Path logDir;
  private final List<String> flags;
  private final Map<String, Replica> current = new LinkedHashMap<>();
  private Kubelet kubelet;
  private final List<Replica> every = new ArrayList<>();

  /**
   * @param admin a client of the same API server, for reading the Lease
   * @param flags extra operator flags, e.g. {@link #FAST_ELECTION}
   */
  OperatorProcesses(KubernetesClient admin, String kubeconfigYaml, String namespace, Path logDir, List<String> flags) {
    this.jar = OperatorJar.locate();
    this.admin = admin;
    this.namespace = namespace;
    this.logDir = logDir;
    this.flags = List.copyOf(flags);
    try {
      Files.createDirectories(logDir);
      this.kubeconfig = Files.createTempFile("failover-kubeconfig-", ".yaml");
      Files.writeString(kubeconfig, kubeconfigYaml);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + logDir + " and a kubeconfig file", e);
    }
  }

  String namespace() {
    return namespace;
  }

  /**
   * From now on each replica runs "in a Pod": a {@link Kubelet} stand-in creates its Pod, gives
   * the process the Pod's downward-API environment and reports the container's starts and exits.
   */
  OperatorProcesses withKubelet() {
    this.kubelet = new Kubelet(admin, namespace);
    return this;
  }

  /**
   * SIGKILL, as an OOM kill or a crash would end it; once the process is gone, the kubelet
   * stand-in (if any) reports its container terminated with exit code 137, as a kubelet does.
   */
  void crash(Replica replica) {
    replica.kill();
    replica.awaitExit(Duration.ofSeconds(60));
    if (kubelet != null) {
      kubelet.containerExited(replica.identity(), 137, "Error");
    }
  }

  Path logDir() {
    return logDir;
  }

  /** Starts {@code replica-1..count} together and waits until each answers /readyz with 200. */
  List<Replica> start(int count) {
    List<Replica> started = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      started.add(launch("replica-" + i));
    }
    started.forEach(this::awaitReady);
    return started;
  }

  /**
   * Starts {@code count} more replicas together, numbered after every identity used so far
   * ({@code replica-<n+1>..}), and waits until each is ready.
   */
  List<Replica> add(int count) {
    int used = (int) every.stream().map(Replica::identity).distinct().count();
    List<Replica> started = new ArrayList<>();
    for (int i = used + 1; i <= used + count; i++) {
      started.add(launch("replica-" + i));
    }
    started.forEach(this::awaitReady);
    return started;
  }

  /** Starts a dead replica again under the same identity (fresh ports and log file) and waits until ready. */
  Replica restart(Replica dead) {
    if (dead.isAlive()) {
      throw new IllegalStateException("restart of " + dead + ": it is still running; kill or terminate it first");
    }
    Replica again = launch(dead.identity());
    awaitReady(again);
    return again;
  }

  private Replica launch(String identity) {
    long incarnations = every.stream().filter(r -> r.identity().equals(identity)).count();
    Path log = logDir.resolve(incarnations == 0 ? identity + ".log" : identity + "." + (incarnations + 1) + ".log");
    Map<String, String> env = kubelet == null ? Map.of() : kubelet.containerStarting(identity);
    Replica replica = Replica.launch(identity, jar, kubeconfig, namespace, flags, log, env);
    every.add(replica);
    current.put(identity, replica);
    return replica;
  }

  /** Until /readyz answers 200; fails at once, with its log's tail, if the process exits. */
  void awaitReady(Replica replica) {
    Await.until(replica + " ready (/readyz 200)", STARTUP, () -> {
      requireAlive(replica);
      return replica.readyz() == 200;
    });
  }

  void requireAlive(Replica replica) {
    if (!replica.isAlive()) {
      replica.log().printTail(System.err, TAIL);
      throw new AssertionError(replica + " exited unexpectedly; its log: " + replica.log().file().toAbsolutePath());
    }
  }

  /** The latest incarnation of each replica, alive or not. */
  List<Replica> replicas() {
    return List.copyOf(current.values());
  }

  List<Replica> live() {
    return current.values().stream().filter(Replica::isAlive).toList();
  }

  // ---- the Lease ----

  Lease lease() {
    return admin.resources(Lease.class).inNamespace(namespace).withName(LEASE).get();
  }

  /** The Lease's holderIdentity; empty when there is no Lease or it is released. */
  String holder() {
    Lease lease = lease();
    String holder = lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    return holder == null ? "" : holder;
  }

  /** The live replica the Lease names, if any. */
  Optional<Replica> holderReplica() {
    String holder = holder();
    return live().stream().filter(r -> r.identity().equals(holder)).findFirst();
  }

  /** Until the Lease names a live replica that also reports master_status 1 on /metrics. */
  Replica awaitLeader() {
    return awaitLeader("a leader among " + live(), replica -> true);
  }

  /** Like {@link #awaitLeader()}, but a replica other than {@code previous}. */
  Replica awaitLeaderOtherThan(Replica previous) {
    return awaitLeader("a leader other than " + previous.identity() + " among " + live(),
        replica -> !replica.identity().equals(previous.identity()));
  }

  private Replica awaitLeader(String what, java.util.function.Predicate<Replica> eligible) {
    Replica[] found = new Replica[1];
    try {
      Await.until(what, ELECTION, () -> {
        Optional<Replica> holder = holderReplica().filter(eligible);
        found[0] = holder.filter(r -> r.reportsLeading(LEASE)).orElse(null);
        return found[0] != null;
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; Lease holder is '" + holder() + "'", e);
    }
    return found[0];
  }

  /** Replicas whose /metrics reports master_status 1 right now. */
  List<Replica> reportingLeading() {
    return live().stream().filter(r -> r.reportsLeading(LEASE)).toList();
  }

  // ---- diagnostics and clean-up ----

  void printTails(PrintStream out) {
    out.println("==== operator replica logs in " + logDir.toAbsolutePath() + " ====");
    for (Replica replica : every) {
      out.println("== " + replica + " ==");
      replica.log().printTail(out, TAIL);
    }
  }

  /** SIGCONT first, so stopped replicas can die, then SIGKILL to all; waits until they are gone. */
  @Override
  public void close() {
    for (Replica replica : every) {
      if (replica.isAlive()) {
        try {
          replica.resume();
        } catch (RuntimeException ignored) {
          // it may have exited in between; the kill below is what matters
        }
        replica.kill();
      }
    }
    for (Replica replica : every) {
      if (!replica.waitForExit(Duration.ofSeconds(30))) {
        System.err.println("operator replica " + replica + " did not exit within 30s of SIGKILL");
      }
    }
    try {
      Files.deleteIfExists(kubeconfig);
    } catch (IOException e) {
      System.err.println("cannot delete " + kubeconfig + ": " + e);
    }
  }
}
