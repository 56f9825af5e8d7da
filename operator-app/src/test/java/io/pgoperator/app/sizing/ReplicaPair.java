package io.pgoperator.app.sizing;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One runtime and profile: a leader and a standby of the same Lease in one namespace, the steps,
 * clean-up. Time-outs grow with the number of clusters (2 CPUs create and reconcile 5,000 in many
 * minutes); a time-out is a harness failure and says what it waited for.
 */
record ReplicaPair(KubernetesClient admin, String namespace, JvmRuntime runtime, String profile, List<String> flags,
    Map<String, String> env, Path kubeconfig, Duration idle, boolean diagnose) {

  static final String LEADER = "leader";
  static final String STANDBY = "standby";
  private static final Duration STARTUP = Duration.ofSeconds(180);

  void run(List<Integer> counts, List<SizingReport.Startup> startups, List<Step> steps) {
    ClusterLoad load = new ClusterLoad(admin, namespace);
    try (StatefulSetPods pods = new StatefulSetPods(admin, namespace);
        OperatorProcess leader = start(LEADER)) {
      long t0 = System.nanoTime();
      await(leader, "/readyz 200 and leading", STARTUP, () -> leader.readyz() == 200 && leading(leader) == 1.0);
      startups.add(startup(LEADER, leader, t0));
      try (OperatorProcess standby = start(STANDBY)) {
        long t1 = System.nanoTime();
        await(standby, "/readyz 200 as a standby", STARTUP, () -> standby.readyz() == 200 && leading(standby) == 0.0);
        startups.add(startup(STANDBY, standby, t1));
        for (int n : counts) {
          try {
            steps.addAll(step(leader, standby, load, pods, n));
          } catch (AssertionError | RuntimeException e) {
            if (leader.isAlive() && standby.isAlive()) {
              throw e;
            }
            for (String role : List.of(LEADER, STANDBY)) {
              OperatorProcess process = role.equals(LEADER) ? leader : standby;
              if (!process.isAlive()) {
                steps.add(Step.exited(runtime.label(), profile, role, n, exitReason(process)));
              }
            }
            break;
          }
        }
      }
    } finally {
      load.deleteAll();
    }
  }

  private OperatorProcess start(String role) {
    return OperatorProcess.start(runtime, OperatorJar.locate(), kubeconfig, namespace, flags, env, namespace + "-" + role,
        SizingBenchmark.DIR.resolve("operator-" + runtime.name() + "-" + profile + "-" + role + ".log"));
  }

  private SizingReport.Startup startup(String role, OperatorProcess process, long startedNanos) {
    return new SizingReport.Startup(runtime.label(), profile, role, Duration.ofNanos(System.nanoTime() - startedNanos),
        process.cpuTime(), process.statusBytes("VmRSS"));
  }

  private List<Step> step(OperatorProcess leader, OperatorProcess standby, ClusterLoad load, StatefulSetPods pods, int n) {
    List<OperatorProcess> both = List.of(leader, standby);
    Duration reconcile = null;
    List<Duration> reconcileCpu = List.of();
    int added = n - load.created();
    if (added > 0) {
      long t0 = System.nanoTime();
      List<Duration> cpu0 = cpu(both);
      load.growTo(n);
      load.awaitReconciled(both, Duration.ofMinutes(5).plus(Duration.ofMillis(200).multipliedBy(added)));
      reconcile = Duration.ofNanos(System.nanoTime() - t0);
      reconcileCpu = minus(cpu(both), cpu0);
      pods.awaitComplete(n, Duration.ofMinutes(2).plus(Duration.ofMillis(50).multipliedBy(added)));
      progress(n + " clusters reconciled in " + reconcile.toSeconds() + " s, their " + pods.created() + " pods created");
    }
    Duration settle = Duration.ofMinutes(2).plus(Duration.ofMillis(20).multipliedBy(n));
    awaitQueueEmpty(leader, settle);
    awaitQuiet(standby, settle);
    List<Double> reconciles0 = both.stream().map(ReplicaPair::reconciles).toList();
    List<Duration> cpu0 = cpu(both);
    long t0 = System.nanoTime();
    ClusterLoad.sleep(idle);
    both.forEach(process -> process.requireAlive("the idle window"));
    List<Duration> idleCpu = minus(cpu(both), cpu0);
    Duration window = Duration.ofNanos(System.nanoTime() - t0);
    int children = load.children();
    List<Step> sampled = new ArrayList<>();
    for (int i = 0; i < both.size(); i++) {
      String role = i == 0 ? LEADER : STANDBY;
      OperatorProcess process = both.get(i);
      long idleReconciles = Math.round(reconciles(process) - reconciles0.get(i));
      sampled.add(sample(process, role, n, children, reconcile, reconcileCpu.isEmpty() ? null : reconcileCpu.get(i),
          window, idleCpu.get(i), idleReconciles));
      if (diagnose) {
        String suffix = runtime.name() + "-" + profile + "-" + role + "-" + n + ".txt";
        write("nmt-" + suffix, process.jcmd("VM.native_memory", "summary"));
        write("threads-" + suffix, process.jcmd("Thread.print"));
        write("histogram-" + suffix, process.jcmd("GC.class_histogram"));
      }
    }
    progress(n + " clusters: leader " + sampled.get(0).rss() / 1048576 + " MiB RSS, standby "
        + sampled.get(1).rss() / 1048576 + " MiB RSS");
    if (diagnose) {
      write("objects-" + runtime.name() + "-" + profile + "-" + n + ".txt", load.cacheCost());
    }
    return sampled;
  }

  private Step sample(OperatorProcess process, String role, int n, int children, Duration reconcile,
      Duration reconcileCpu, Duration window, Duration idleCpu, long idleReconciles) {
    long rss = process.statusBytes("VmRSS");
    long peak = process.statusBytes("VmHWM");
    long anon = process.statusBytes("RssAnon");
    int threads = process.threads();
    PrometheusText m = process.metrics();
    Map<String, String> heap = Map.of("area", "heap");
    double live = -1;
    if (!process.jcmd("GC.run").isEmpty()) {
      live = process.metrics().sumOr("jvm_memory_used_bytes", heap);
    }
    return new Step(runtime.label(), profile, role, n, children, reconcile, reconcileCpu, window, idleCpu,
        idleReconciles, rss, anon, peak, m.sumOr("jvm_memory_used_bytes", heap),
        m.sumOr("jvm_memory_committed_bytes", heap), live,
        m.sumOr("jvm_memory_used_bytes", Map.of("area", "nonheap", "id", "Metaspace")),
        m.sumOr("jvm_memory_used_bytes", Map.of("area", "nonheap")),
        m.sumOr("jvm_buffer_memory_used_bytes", Map.of("id", "direct")),
        (int) m.sumOr("jvm_classes_loaded_classes", Map.of()), threads, "");
  }

  /** A line on stdout while a long run goes on. */
  private void progress(String what) {
    System.out.println("sizing " + runtime.label() + " " + profile + ": " + what);
  }

  private static double leading(OperatorProcess process) {
    return process.metrics().sumOr("leader_election_master_status", Map.of());
  }

  private static double reconciles(OperatorProcess process) {
    return process.metrics().sumOr("controller_runtime_reconcile_total", Map.of());
  }

  private static List<Duration> cpu(List<OperatorProcess> processes) {
    return processes.stream().map(OperatorProcess::cpuTime).toList();
  }

  private static List<Duration> minus(List<Duration> later, List<Duration> earlier) {
    List<Duration> result = new ArrayList<>();
    for (int i = 0; i < later.size(); i++) {
      result.add(later.get(i).minus(earlier.get(i)));
    }
    return result;
  }

  /**
   * Status writes echo back as events; wait until the queue has stayed empty for two polls. A scrape
   * that does not answer in time is reported and asked again, within the deadline (once, a leader
   * that had just reconciled 5,000 clusters did not answer one in 5 s: its scrape waited behind a
   * catch-up list on Vert.x's two workers; the scrape has a thread of its own since).
   */
  private void awaitQueueEmpty(OperatorProcess operator, Duration deadline) {
    int[] emptyPolls = {0};
    await(operator, "an empty work queue", deadline, () -> {
      PrometheusText metrics;
      try {
        metrics = operator.metrics();
      } catch (UncheckedIOException e) {
        progress(e.getMessage() + " (" + e.getCause() + "); asking again");
        emptyPolls[0] = 0;
        return false;
      }
      emptyPolls[0] = metrics.sumOr("workqueue_depth", Map.of()) == 0 ? emptyPolls[0] + 1 : 0;
      return emptyPolls[0] >= 2;
    });
  }

  /**
   * A standby reconciles nothing and has no queue to watch: wait until it has used less than 5 %
   * of a core over 5 s, i.e. it has read the watch events of the step.
   */
  private static void awaitQuiet(OperatorProcess operator, Duration deadline) {
    Duration[] last = {operator.cpuTime()};
    long[] at = {System.nanoTime()};
    await(operator, "a quiet standby (under 5 % CPU over 5 s)", deadline, () -> {
      ClusterLoad.sleep(Duration.ofSeconds(5));
      Duration cpu = operator.cpuTime();
      long now = System.nanoTime();
      boolean quiet = cpu.minus(last[0]).toMillis() * 20 < (now - at[0]) / 1_000_000;
      last[0] = cpu;
      at[0] = now;
      return quiet;
    });
  }

  private static void await(OperatorProcess operator, String what, Duration deadline, BooleanSupplier condition) {
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

  private static void write(String file, String text) {
    try {
      Files.writeString(SizingBenchmark.DIR.resolve(file), text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
