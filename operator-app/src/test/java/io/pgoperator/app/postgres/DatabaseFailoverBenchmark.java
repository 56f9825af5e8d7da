// Run (numbers only, never fails on them; about 5 minutes):
// mvn -B -pl operator-app -am verify -Dit.test=DatabaseFailoverBenchmark -Dgroups=benchmark -DexcludedGroups= \
//   -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
// Other settings: -Ddbfailover.delay=2s (spec.failover.delay, default 10s) -Ddbfailover.rounds=5
package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.Secret;
import io.pgoperator.api.v1alpha1.FailoverSpec;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.children.ChildNames;
import io.pgoperator.app.postgres.children.CredentialsSecret;
import io.pgoperator.app.postgres.local.InstanceKubelet;
import io.pgoperator.app.postgres.local.PostgresBinaries;
import io.pgoperator.app.postgres.local.Psql;
import io.pgoperator.app.postgres.replication.InstanceAddresses;
import io.pgoperator.runtime.OperatorRuntime;
import io.pgoperator.runtime.RuntimeOptions;
import io.pgoperator.runtime.http.BindAddress;
import io.pgoperator.runtime.leader.LeaderElectionConfig;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.EnvtestBinaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How long writes through the {@code -rw} Service fail when the primary goes, on a real API
 * server with real PostgreSQL instances ({@link InstanceKubelet} plays the StatefulSet
 * controller, the kubelet and kube-proxy) and two operator replicas electing a leader (client-go's
 * default timings). A client inserts a row through {@code -rw} every ~20 ms, reconnecting each
 * time, as a pooled application does after its connection breaks; the figure is fault → its
 * first acknowledged insert. Each round, on the cluster's current primary:
 * <ul>
 *   <li>{@code process crash}: SIGKILL of postgres; the kubelet restarts the container (after
 *       1 s here), crash recovery, and the same instance serves again: no failover, the delay is
 *       not reached;
 *   <li>{@code primary lost}: its node goes (process killed, not restarted, the pod reported not
 *       Ready): failover after spec.failover.delay;
 *   <li>{@code primary + operator leader lost}: the same node also ran the operator's leader, which
 *       dies without releasing its Lease; the standby replica leads after the Lease expires, then
 *       fails over (the delay counts from the pod's not-Ready report, so both overlap).
 * </ul>
 * Not modelled: a real node loss is reported by the node controller only after its
 * node-monitor-grace-period (40-50 s by default), which every pod-readiness-driven failover
 * (CloudNativePG's too) waits for first; a process crash inside a live node is reported at once.
 */
@Tag("benchmark")
class DatabaseFailoverBenchmark {

  private static final String NAME = "bench";
  private static final Duration LONG = Duration.ofMinutes(3);
  private static final Path DIR = Path.of("target", "dbfailover");

  enum Scenario {
    PROCESS_CRASH("process crash"), PRIMARY_LOST("primary lost"), PRIMARY_AND_LEADER_LOST("primary + operator leader lost");

    final String label;

    Scenario(String label) {
      this.label = label;
    }
  }

  record Sample(int round, Scenario scenario, String from, String to, long writesBackMillis, String recordedUnavailable) {
  }

  private final Map<String, OperatorRuntime> replicas = new HashMap<>();
  private InstanceKubelet kubelet;
  private String namespace;
  private int replicaCount;

  @Test
  void primaryCrashToFirstWriteThroughTheReadWriteService() throws Exception {
    String delay = System.getProperty("dbfailover.delay", FailoverSpec.DEFAULT_DELAY);
    int rounds = Integer.getInteger("dbfailover.rounds", 3);
    List<Sample> samples = new ArrayList<>();
    namespace = Envtest.get().createNamespace("dbfailover-bench");
    Envtest.get().installCrds(List.of(EnvtestBinaries.repositoryRoot()
        .resolve("deploy/crd/postgresclusters.postgres.example.com-v1.yml")));
    try {
      startReplica();
      startReplica();
      PostgresCluster spec = Clusters.minimal(NAME);
      spec.getSpec().setInstances(3);
      FailoverSpec failover = new FailoverSpec();
      failover.setDelay(delay);
      spec.getSpec().setFailover(failover);
      spec.getMetadata().setUid(null);
      spec.getMetadata().setResourceVersion(null);
      spec.getMetadata().setNamespace(namespace);
      Envtest.get().client().resource(spec).create();
      Await.value("the StatefulSet", () -> Envtest.get().client().apps().statefulSets().inNamespace(namespace)
          .withName(NAME).get(), s -> s != null);
      kubelet = new InstanceKubelet(Envtest.get().client(), namespace, NAME, PostgresBinaries.newest());
      awaitHealthy();
      Psql app = application();
      app.value("CREATE TABLE beats (id bigserial PRIMARY KEY, at timestamptz DEFAULT now())");
      for (int round = 1; round <= rounds; round++) {
        for (Scenario scenario : Scenario.values()) {
          samples.add(measure(round, scenario, app));
          awaitHealthy();
        }
      }
    } finally {
      String report = report(samples, delay);
      System.out.println(report);
      write(report);
      if (kubelet != null) {
        kubelet.close();
      }
      for (OperatorRuntime runtime : replicas.values()) {
        runtime.stop().await(30, TimeUnit.SECONDS);
      }
    }
  }

  private Sample measure(int round, Scenario scenario, Psql app) throws Exception {
    PostgresCluster before = cluster();
    String primary = before.getStatus().getCurrentPrimary();
    int ordinal = ChildNames.ordinal(NAME, primary);
    String leader = leader();
    try (Beat beat = Beat.start(app)) {
      Await.until("writes flow", LONG, () -> beat.lastSuccess.get() > 0);
      long fault = System.nanoTime();
      switch (scenario) {
        case PROCESS_CRASH -> kubelet.crash(ordinal);
        case PRIMARY_LOST -> kubelet.hold(ordinal);
        case PRIMARY_AND_LEADER_LOST -> {
          kubelet.hold(ordinal);
          replicas.remove(leader).stopWithoutRelease().await(30, TimeUnit.SECONDS);
        }
      }
      Await.until("a write acknowledged after the fault", LONG, () -> beat.firstSuccessAfter(fault) > 0);
      long back = TimeUnit.NANOSECONDS.toMillis(beat.firstSuccessAfter(fault) - fault);
      PostgresCluster after = cluster();
      String unavailable = after.getStatus().getLastPrimaryChange() == null
          || !primary.equals(after.getStatus().getLastPrimaryChange().getFrom())
          || after.getStatus().getPrimaryEpoch().equals(before.getStatus().getPrimaryEpoch()) ? "-"
          : after.getStatus().getLastPrimaryChange().getStartedAt() + " → " + after.getStatus().getLastPrimaryChange().getCompletedAt();
      if (scenario != Scenario.PROCESS_CRASH) {
        kubelet.release(ordinal);
      }
      if (scenario == Scenario.PRIMARY_AND_LEADER_LOST) {
        startReplica();
      }
      return new Sample(round, scenario, primary, after.getStatus().getCurrentPrimary(), back, unavailable);
    }
  }

  private void awaitHealthy() {
    Await.value("three instances in sync, one primary labelled", this::cluster,
        c -> c.getStatus() != null && Integer.valueOf(3).equals(c.getStatus().getInSyncInstances())
            && c.getStatus().getCurrentPrimary().equals(c.getStatus().getTargetPrimary()));
  }

  private PostgresCluster cluster() {
    return Envtest.get().client().resources(PostgresCluster.class).inNamespace(namespace).withName(NAME).get();
  }

  private void startReplica() throws Exception {
    String identity = "bench-" + (++replicaCount);
    LeaderElectionConfig election = LeaderElectionConfig.of(namespace, "dbfailover-bench").withIdentity(identity)
        .withPod(null);
    RuntimeOptions options = new RuntimeOptions(BindAddress.parse("127.0.0.1:0"), BindAddress.parse("127.0.0.1:0"),
        Optional.of(election), List.of(namespace), 1, Duration.ZERO, Duration.ofSeconds(10));
    InstanceAddresses addresses = (cluster, pod) -> new InstanceAddresses.Address("127.0.0.1",
        kubelet.podPort(ChildNames.ordinal(cluster.getMetadata().getName(), pod)));
    replicas.put(identity, OperatorRuntime.start(options, Envtest.get().config(),
        context -> PostgresOperator.controllers(context, addresses)).await(60, TimeUnit.SECONDS));
  }

  private String leader() {
    return Await.value("a leading replica", () -> replicas.entrySet().stream()
        .filter(e -> OperatorHarness.sum(e.getValue().scrapeMetrics(), "leader_election_master_status", List.of()) >= 1)
        .map(Map.Entry::getKey).findFirst().orElse(null), id -> id != null);
  }

  private Psql application() throws IOException {
    Secret secret = Await.value("the credentials", () -> Envtest.get().client().secrets().inNamespace(namespace)
        .withName(ChildNames.credentialsSecret(NAME)).get(), s -> s != null);
    Path ca = Files.writeString(Files.createTempFile("bench-ca-", ".crt"),
        CredentialsSecret.value(secret, CredentialsSecret.CA_CERT));
    ca.toFile().deleteOnExit();
    int port = kubelet.service(ChildNames.readWriteService(NAME)).getPort();
    return new Psql(PostgresBinaries.newest(), "127.0.0.1", port, CredentialsSecret.value(secret, CredentialsSecret.USERNAME),
        CredentialsSecret.value(secret, CredentialsSecret.PASSWORD), CredentialsSecret.value(secret, CredentialsSecret.DATABASE));
  }

  private static String report(List<Sample> samples, String delay) {
    StringBuilder text = new StringBuilder("DatabaseFailoverBenchmark: fault -> first insert acknowledged through -rw"
        + " (spec.failover.delay " + delay + ", lease 15s/10s/2s, kubelet probe period 1s, restart back-off 1s)\n");
    text.append(String.format(Locale.ROOT, "%-5s %-32s %-10s %-10s %12s  %s%n", "round", "scenario", "primary", "then",
        "writes back", "recorded failover (started -> completed)"));
    for (Sample s : samples) {
      text.append(String.format(Locale.ROOT, "%-5d %-32s %-10s %-10s %10.2f s  %s%n", s.round(), s.scenario().label,
          s.from(), s.to(), s.writesBackMillis() / 1000.0, s.recordedUnavailable()));
    }
    for (Scenario scenario : Scenario.values()) {
      List<Long> values = samples.stream().filter(s -> s.scenario() == scenario).map(Sample::writesBackMillis).sorted().toList();
      if (!values.isEmpty()) {
        text.append(String.format(Locale.ROOT, "median %-32s %.2f s (of %d)%n", scenario.label,
            values.get(values.size() / 2) / 1000.0, values.size()));
      }
    }
    return text.toString();
  }

  private static void write(String report) {
    try {
      Files.createDirectories(DIR);
      Files.writeString(DIR.resolve("results.txt"), report);
    } catch (IOException e) {
      System.out.println("could not write " + DIR.resolve("results.txt") + ": " + e);
    }
  }

  /** Inserts a row through -rw over and over, a new connection each time; remembers when each insert was acknowledged. */
  private static final class Beat implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong lastSuccess = new AtomicLong();
    private final List<long[]> successes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread thread;

    private Beat(Psql app) {
      thread = new Thread(() -> {
        while (running.get()) {
          long started = System.nanoTime();
          if (app.run("INSERT INTO beats DEFAULT VALUES", List.of("connect_timeout=1")).succeeded()) {
            long now = System.nanoTime();
            lastSuccess.set(now);
            successes.add(new long[] {started, now});
          } else {
            sleep(20);
          }
        }
      }, "beat");
      thread.setDaemon(true);
    }

    static Beat start(Psql app) {
      Beat beat = new Beat(app);
      beat.thread.start();
      return beat;
    }

    /** When the first insert begun after {@code fault} was acknowledged, 0 if none yet. */
    long firstSuccessAfter(long fault) {
      return successes.stream().filter(s -> s[0] > fault).mapToLong(s -> s[1]).findFirst().orElse(0);
    }

    private static void sleep(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(Duration.ofSeconds(30).toMillis());
    }
  }
}
