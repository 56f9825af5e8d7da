// Run (numbers only, never fails on them; about 8 minutes for the defaults):
// mvn -B -pl operator-app -am verify -Dit.test=SizingBenchmark -Dgroups=benchmark -DexcludedGroups= \
//   -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
// Options: -Dsizing.profiles=small,medium,large -Dsizing.clusters=0,100,1000 -Dsizing.idle-seconds=30
//          -Dsizing.extra-flags="-XX:MaxHeapFreeRatio=20 ..." (appended to every profile's JVM flags)
//          -Dsizing.diagnose=true (adds -XX:NativeMemoryTracking=summary; writes per step to target/sizing/:
//          jcmd VM.native_memory summary, Thread.print, GC.class_histogram, and what the cached objects cost)
package io.pgoperator.app.sizing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.runtime.testing.EnvtestBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One operator process per JVM profile on an envtest API server of its own ({@link
 * SizingApiServer}), loaded step by step with PostgresClusters in its one watched namespace (the same process keeps its cache from step to
 * step, as a replica does while clusters are added). Per step: create the new clusters with a few
 * threads, wait until all are reconciled, wait until its work queue is empty, measure CPU over an
 * idle window, then sample RSS and the JVM's meters, then force a full GC for the live heap.
 * Prints a table and writes it to {@code target/sizing/results.txt}; fails only when the harness
 * does (the API server, a create, a timeout), not on numbers, and not when the operator runs out
 * of memory: that is reported as a row.
 */
@Tag("benchmark")
class SizingBenchmark {

  private static final Path DIR = Paths.get("target", "sizing");
  private static final Duration STARTUP = Duration.ofSeconds(180);
  private static final Duration RECONCILE = Duration.ofMinutes(15);
  private static final Duration QUIET = Duration.ofSeconds(120);
  private static final Path CRD = Paths.get("deploy/crd/postgresclusters.postgres.example.com-v1.yml");

  @Test
  void footprintWithClustersCached() throws IOException {
    Path root = EnvtestBinaries.repositoryRoot();
    List<JvmProfile> profiles = JvmProfile.select(JvmProfile.defaults(root.resolve("Dockerfile")),
        System.getProperty("sizing.profiles", "small,medium"));
    List<Integer> counts = Arrays.stream(System.getProperty("sizing.clusters", "0,100,1000").split(","))
        .map(s -> Integer.parseInt(s.trim())).sorted().toList();
    Duration idle = Duration.ofSeconds(Long.getLong("sizing.idle-seconds", 30));
    boolean diagnose = Boolean.getBoolean("sizing.diagnose");
    String extra = System.getProperty("sizing.extra-flags", "").trim();
    if (!extra.isEmpty()) {
      profiles = profiles.stream().map(p -> p.with(extra.split("\\s+"))).toList();
    }

    Files.createDirectories(DIR);
    Path kubeconfig = DIR.resolve("kubeconfig.yaml");
    Instant began = Instant.now();
    List<SizingReport.Startup> startups = new ArrayList<>();
    List<Step> steps = new ArrayList<>();
    try (SizingApiServer server = SizingApiServer.start()) {
      server.installCrd(root.resolve(CRD));
      Files.writeString(kubeconfig, server.kubeconfigYaml());
      for (JvmProfile profile : profiles) {
        List<String> flags = new ArrayList<>(profile.flags());
        if (diagnose) {
          flags.add("-XX:NativeMemoryTracking=summary");
        }
        String namespace = "sizing-" + profile.name();
        server.createNamespace(namespace);
        new ProfileRun(server.client(), namespace, profile.name(), flags, kubeconfig, idle, diagnose)
            .run(counts, startups, steps);
      }
    } finally {
      Files.deleteIfExists(kubeconfig);
    }
    String report = SizingReport.render(header(began, counts, idle, diagnose), profiles, startups, steps);
    System.out.println(report);
    Files.writeString(DIR.resolve("results.txt"), report);
    assertThat(steps).as("one row per profile and cluster count, or an exit row").isNotEmpty();
  }

  private static String header(Instant began, List<Integer> counts, Duration idle, boolean diagnose) {
    Runtime rt = Runtime.getRuntime();
    return "Sizing benchmark, " + began + " on " + host() + " (" + rt.availableProcessors() + " CPUs, "
        + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version")
        + ")\nOne operator process (fat jar, leader election on) per profile against envtest (service range "
        + SizingApiServer.SERVICE_RANGE + ") on the same machine;"
        + " N PostgresClusters (1 instance, 1Gi) in its namespace, steps " + counts + ", idle window " + idle.toSeconds()
        + " s" + (diagnose ? ", NativeMemoryTracking on (adds to RSS)" : "") + ".\n'kids' = child objects the operator made"
        + " and caches; 'reconcile' = first create of the step until all N reconciled (status.observedGeneration);"
        + "\n'rec CPU' = operator CPU over that time; 'idle CPU' = share of one core over the idle window.";
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown host";
    }
  }

  /** One profile: one process, the steps, clean-up. */
  private record ProfileRun(KubernetesClient admin, String namespace, String profile, List<String> flags,
      Path kubeconfig, Duration idle, boolean diagnose) {

    void run(List<Integer> counts, List<SizingReport.Startup> startups, List<Step> steps) {
      ClusterLoad load = new ClusterLoad(admin, namespace);
      Path log = DIR.resolve("operator-" + profile + ".log");
      try (OperatorProcess operator = OperatorProcess.start(OperatorJar.locate(), kubeconfig, namespace, flags, log)) {
        long t0 = System.nanoTime();
        await(operator, "/readyz 200 and leading", STARTUP, () -> operator.readyz() == 200
            && operator.metrics().sumOr("leader_election_master_status", Map.of()) == 1.0);
        startups.add(new SizingReport.Startup(profile, Duration.ofNanos(System.nanoTime() - t0), operator.cpuTime(),
            operator.statusBytes("VmRSS")));
        for (int n : counts) {
          try {
            steps.add(step(operator, load, n));
          } catch (AssertionError | RuntimeException e) {
            if (operator.isAlive()) {
              throw e;
            }
            steps.add(Step.exited(profile, n, exitReason(operator)));
            break;
          }
        }
      } finally {
        load.deleteAll();
      }
    }

    private Step step(OperatorProcess operator, ClusterLoad load, int n) {
      Duration reconcile = null;
      Duration reconcileCpu = null;
      if (n > load.created()) {
        long t0 = System.nanoTime();
        Duration cpu0 = operator.cpuTime();
        load.growTo(n);
        load.awaitReconciled(operator, RECONCILE);
        reconcile = Duration.ofNanos(System.nanoTime() - t0);
        reconcileCpu = operator.cpuTime().minus(cpu0);
      }
      awaitQueueEmpty(operator);
      double reconciles0 = reconciles(operator);
      Duration cpu0 = operator.cpuTime();
      long t0 = System.nanoTime();
      ClusterLoad.sleep(idle);
      operator.requireAlive("the idle window");
      Duration idleCpu = operator.cpuTime().minus(cpu0);
      Duration window = Duration.ofNanos(System.nanoTime() - t0);
      long idleReconciles = Math.round(reconciles(operator) - reconciles0);

      long rss = operator.statusBytes("VmRSS");
      long peak = operator.statusBytes("VmHWM");
      long anon = operator.statusBytes("RssAnon");
      PrometheusText m = operator.metrics();
      Map<String, String> heap = Map.of("area", "heap");
      Map<String, String> nonHeap = Map.of("area", "nonheap");
      int threads = (int) m.sumOr("jvm_threads_live_threads", Map.of());
      double live = -1;
      if (!operator.jcmd("GC.run").isEmpty()) {
        live = operator.metrics().sumOr("jvm_memory_used_bytes", heap);
      }
      if (diagnose) {
        write(DIR.resolve("nmt-" + profile + "-" + n + ".txt"), operator.jcmd("VM.native_memory", "summary"));
        write(DIR.resolve("threads-" + profile + "-" + n + ".txt"), operator.jcmd("Thread.print"));
        write(DIR.resolve("histogram-" + profile + "-" + n + ".txt"), operator.jcmd("GC.class_histogram"));
        write(DIR.resolve("objects-" + profile + "-" + n + ".txt"), load.cacheCost());
      }
      return new Step(profile, n, load.children(), reconcile, reconcileCpu, window, idleCpu, idleReconciles, rss, anon, peak,
          m.sumOr("jvm_memory_used_bytes", heap), m.sumOr("jvm_memory_committed_bytes", heap),
          m.sumOr("jvm_memory_max_bytes", heap), live,
          m.sumOr("jvm_memory_used_bytes", Map.of("area", "nonheap", "id", "Metaspace")),
          m.sumOr("jvm_memory_used_bytes", nonHeap), m.sumOr("jvm_buffer_memory_used_bytes", Map.of("id", "direct")),
          threads, "");
    }

    /** Status writes echo back as events; wait until the queue has stayed empty for two polls. */
    private void awaitQueueEmpty(OperatorProcess operator) {
      int[] emptyPolls = {0};
      await(operator, "an empty work queue", QUIET, () -> {
        emptyPolls[0] = operator.metrics().sumOr("workqueue_depth", Map.of()) == 0 ? emptyPolls[0] + 1 : 0;
        return emptyPolls[0] >= 2;
      });
    }

    private static double reconciles(OperatorProcess operator) {
      return operator.metrics().sumOr("controller_runtime_reconcile_total", Map.of());
    }

    private static void await(OperatorProcess operator, String what, Duration deadline,
        java.util.function.BooleanSupplier condition) {
      long end = System.nanoTime() + deadline.toNanos();
      while (true) {
        operator.requireAlive("the wait for " + what);
        if (condition.getAsBoolean()) {
          return;
        }
        if (System.nanoTime() - end > 0) {
          throw new AssertionError("timed out after " + deadline + " waiting for the operator (pid " + operator.pid()
              + "): " + what + "; its log: " + operator.log().toAbsolutePath());
        }
        ClusterLoad.sleep(Duration.ofMillis(500));
      }
    }

    private static String exitReason(OperatorProcess operator) {
      String tail = operator.tail(200);
      return tail.contains("OutOfMemoryError") ? "OutOfMemoryError (see " + operator.log() + ")"
          : "see " + operator.log();
    }

    private static void write(Path file, String text) {
      try {
        Files.writeString(file, text);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
    }
  }
}
