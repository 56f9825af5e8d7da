// Run (numbers only, never fails the build; several minutes):
// mvn -B -o verify -pl operator-app -am -Dit.test=ShardingBenchmark -Dgroups=benchmark -DexcludedGroups= \
//   -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
// Fewer clusters: -Dsharding.clusters=100
package io.pgoperator.app.failover;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.runtime.testing.EnvtestBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Single leader ({@code --leader-elect}) against sharded ({@code --shards=16}) with 1, 3 and 5
 * fat-jar replicas on one real API server, each run in a namespace of its own with the same short
 * election timings and {@code --max-concurrent-reconciles=4}:
 * <ul>
 *   <li>throughput: N clusters created at once (8 client threads), time until every status reports
 *       its generation (observedGeneration), as clusters/s;
 *   <li>crash impact (2+ replicas): every cluster is edited once without a fault (the baseline:
 *       how long an edit waits in a healthy fleet), then one replica is SIGKILLed (single: the
 *       leader; sharded: any, here replica-1) and every cluster is edited again at once. A key's
 *       pause is edit → its status reporting the new generation, reported for the keys the killed
 *       replica owned (single: all of them; sharded: those in its slots) and for the others.
 * </ul>
 * Prints a table and writes it to {@code target/sharding/results.txt}; fails only when the harness
 * does (a replica does not start).
 */
@Tag("benchmark")
class ShardingBenchmark {

  private static final int CLUSTERS = Integer.getInteger("sharding.clusters", 300);
  private static final int[] REPLICAS = {1, 3, 5};
  private static final Path DIR = Path.of("target", "sharding");
  private static final Duration WAVE = Duration.ofSeconds(300);
  private static final List<String> COMMON = Stream.concat(OperatorProcesses.FAST_ELECTION.stream(),
      Stream.of("--max-concurrent-reconciles=4")).toList();

  enum Mode {
    SINGLE(List.of()), SHARDED(List.of("--shards=" + SlotLeases.SLOTS));

    final List<String> flags;

    Mode(List<String> flags) {
      this.flags = flags;
    }
  }

  /**
   * Pauses in ms, one per cluster (-1: not reconciled within the wave's deadline); {@code
   * victims[i]}: cluster i belonged to the killed replica (single: every cluster; sharded: those in
   * the slots it held).
   */
  record Result(Mode mode, int replicas, double clustersPerSecond, long[] baseline, long[] crash, boolean[] victims,
      String note) {}

  @Test
  void singleLeaderAgainstShardedThroughputAndCrashImpact() {
    List<Result> results = new ArrayList<>();
    try (AuditedApiServer server = AuditedApiServer.start(DIR)) {
      server.installCrd(EnvtestBinaries.repositoryRoot().resolve("deploy/crd/postgresclusters.postgres.example.com-v1.yml"));
      for (Mode mode : Mode.values()) {
        for (int replicas : REPLICAS) {
          results.add(run(server, mode, replicas));
          System.out.println(report(results));
        }
      }
    }
    String report = report(results);
    System.out.println(report);
    write(DIR.resolve("results.txt"), report);
  }

  private static Result run(AuditedApiServer server, Mode mode, int replicas) {
    KubernetesClient admin = server.client();
    String ns = mode.name().toLowerCase() + "-" + replicas;
    Clusters.createNamespace(admin, ns);
    List<String> flags = Stream.concat(COMMON.stream(), mode.flags.stream()).toList();
    OperatorProcesses processes = new OperatorProcesses(admin, server.kubeconfigYaml(), ns, DIR.resolve(ns), flags);
    try (processes) {
      List<Replica> started = processes.start(replicas);
      if (mode == Mode.SHARDED) {
        new SlotLeases(admin, ns).awaitBalanced(started, Duration.ofSeconds(60));
      } else {
        processes.awaitLeader();
      }
      long t0 = System.nanoTime();
      long[] created = inParallel(i -> Clusters.create(admin, ns, name(i)));
      long[] reconciled = awaitWave(admin, ns, created);
      long allDone = 0;
      for (int i = 0; i < CLUSTERS; i++) {
        allDone = Math.max(allDone, created[i] + reconciled[i] * 1_000_000 - t0);
      }
      double perSecond = Arrays.stream(reconciled).anyMatch(p -> p < 0) ? -1 : CLUSTERS / (allDone / 1e9);
      if (replicas == 1) {
        return new Result(mode, replicas, perSecond, new long[0], new long[0], new boolean[0], "");
      }
      long[] baseline = awaitWave(admin, ns, inParallel(i -> Clusters.scale(admin, ns, name(i), 2)));
      Replica victim = mode == Mode.SINGLE ? processes.awaitLeader() : started.get(0);
      boolean[] victims = new boolean[CLUSTERS];
      Map<Integer, String> holders = new SlotLeases(admin, ns).holders();
      for (int i = 0; i < CLUSTERS; i++) {
        victims[i] = mode == Mode.SINGLE || SlotLeases.isMemberOf(holders.get(SlotLeases.slotOf(ns, name(i))), victim);
      }
      victim.kill();
      victim.awaitExit(Duration.ofSeconds(60));
      long[] crash = awaitWave(admin, ns, inParallel(i -> Clusters.scale(admin, ns, name(i), 3)));
      return new Result(mode, replicas, perSecond, baseline, crash, victims, "killed " + victim.identity());
    } catch (RuntimeException | AssertionError e) {
      processes.printTails(System.err);
      return new Result(mode, replicas, -1, new long[0], new long[0], new boolean[0], "failed: " + e.getMessage());
    }
  }

  private static String name(int i) {
    return String.format("db-%04d", i);
  }

  /** Runs {@code action} for every cluster on 8 threads; returns when each call returned (nanoTime). */
  private static long[] inParallel(java.util.function.IntConsumer action) {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    long[] done = new long[CLUSTERS];
    try {
      List<Future<?>> pending = new ArrayList<>();
      for (int i = 0; i < CLUSTERS; i++) {
        int n = i;
        pending.add(pool.submit(() -> {
          action.accept(n);
          done[n] = System.nanoTime();
        }));
      }
      for (Future<?> f : pending) {
        f.get();
      }
      return done;
    } catch (Exception e) {
      throw new IllegalStateException("cannot write PostgresClusters: " + e, e);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Polls the namespace's clusters until each reports its generation; returns per cluster the ms
   * from its write ({@code written}, nanoTime) to the first poll that saw it reconciled, -1 if never.
   */
  private static long[] awaitWave(KubernetesClient admin, String ns, long[] written) {
    long[] pause = new long[CLUSTERS];
    Arrays.fill(pause, -1);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < CLUSTERS; i++) {
      index.put(name(i), i);
    }
    long end = System.nanoTime() + WAVE.toNanos();
    int left = CLUSTERS;
    while (left > 0 && System.nanoTime() < end) {
      List<PostgresCluster> clusters = admin.resources(PostgresCluster.class).inNamespace(ns).list().getItems();
      long now = System.nanoTime();
      for (PostgresCluster c : clusters) {
        Integer i = index.get(c.getMetadata().getName());
        if (i != null && pause[i] < 0 && c.getStatus() != null
            && Objects.equals(c.getStatus().getObservedGeneration(), c.getMetadata().getGeneration())) {
          pause[i] = Math.max(0, (now - written[i]) / 1_000_000);
          left--;
        }
      }
      sleep(100);
    }
    return pause;
  }

  // ---- report ----

  private static String report(List<Result> results) {
    StringBuilder out = new StringBuilder();
    out.append("\nSharding benchmark: ").append(CLUSTERS).append(" PostgresClusters; replicas are fat-jar JVMs (")
        .append(String.join(" ", OperatorJar.JVM_FLAGS)).append(") sharing the machine's ")
        .append(Runtime.getRuntime().availableProcessors()).append(" cores with the API server; flags ")
        .append(String.join(" ", COMMON)).append(" (+ --shards=16 when sharded).\n")
        .append("Runs in this order, each in a fresh namespace; the first also warms the API server up.\n")
        .append("Pauses in ms from a cluster's edit to its status reporting it (polled every ~100ms). Baseline: every"
            + " cluster edited at once, no fault.\nCrash: one replica SIGKILLed, then every cluster edited at once;"
            + " pauses of the clusters the killed replica owned (single: all) and of the others.\n\n");
    String row = "%-8s %8s %10s | %8s %8s | %14s %10s %10s | %9s %9s  %s%n";
    out.append(String.format(row, "mode", "replicas", "clusters/s", "base p50", "base max", "keys of killed",
        "their p50", "their max", "others p50", "others max", "note"));
    for (Result r : results) {
      boolean crashRun = r.crash().length > 0;
      long[] theirs = select(r, true);
      long[] others = select(r, false);
      out.append(String.format(row, r.mode().name().toLowerCase(), r.replicas(),
          r.clustersPerSecond() < 0 ? "n/a" : String.format("%.1f", r.clustersPerSecond()),
          crashRun ? pct(r.baseline(), 50) : "-", crashRun ? max(r.baseline()) : "-",
          crashRun ? String.format("%d/%d (%.0f%%)", theirs.length, r.crash().length,
              100.0 * theirs.length / r.crash().length) : "-",
          theirs.length > 0 ? pct(theirs, 50) : "-", theirs.length > 0 ? max(theirs) : "-",
          others.length > 0 ? pct(others, 50) : "-", others.length > 0 ? max(others) : "-", r.note()));
    }
    return out.toString();
  }

  private static long[] select(Result r, boolean ofVictim) {
    List<Long> chosen = new ArrayList<>();
    for (int i = 0; i < r.crash().length; i++) {
      if (r.victims()[i] == ofVictim) {
        chosen.add(r.crash()[i]);
      }
    }
    return chosen.stream().mapToLong(Long::longValue).toArray();
  }

  private static long pct(long[] values, int p) {
    long[] sorted = Arrays.stream(values).sorted().toArray();
    return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
  }

  private static long max(long[] values) {
    return Arrays.stream(values).max().orElse(-1);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
