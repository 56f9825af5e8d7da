package io.pgoperator.runtime.controller;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * controller-runtime's controller metrics, same names and labels, so existing dashboards and
 * alerts work unchanged: {@code controller_runtime_reconcile_total{controller,result}},
 * {@code controller_runtime_reconcile_errors_total}, {@code
 * controller_runtime_terminal_reconcile_errors_total}, {@code
 * controller_runtime_reconcile_time_seconds}, {@code controller_runtime_max_concurrent_reconciles},
 * {@code controller_runtime_active_workers}.
 */
final class ControllerMetrics {

  /** controller-runtime's reconcile_time_seconds buckets. */
  private static final double[] RECONCILE_BUCKETS = {
      0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0,
      1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60};

  enum Outcome {
    SUCCESS("success"), ERROR("error"), REQUEUE("requeue"), REQUEUE_AFTER("requeue_after");

    final String label;

    Outcome(String label) {
      this.label = label;
    }
  }

  private final Map<Outcome, Counter> totals;
  private final Counter errors;
  private final Counter terminalErrors;
  private final Timer reconcileTime;
  private final AtomicInteger activeWorkers = new AtomicInteger();

  /**
   * {@code controller_sharding_owned_keys{controller}}: the cached primary objects whose slot this
   * replica owns, for telling how evenly a sharded ring spreads the keys. Sharded mode only.
   */
  static void ownedKeys(MeterRegistry registry, String controller, java.util.function.Supplier<Number> count) {
    Gauge.builder("controller_sharding_owned_keys", () -> count.get().doubleValue())
        .description("Cached primary objects whose slot this replica owns")
        .tag("controller", controller)
        .register(registry);
  }

  ControllerMetrics(MeterRegistry registry, String controller, int maxConcurrentReconciles) {
    // Every result label exists from the start at zero, as in controller-runtime.
    totals = new java.util.EnumMap<>(Outcome.class);
    for (Outcome outcome : Outcome.values()) {
      totals.put(outcome, Counter.builder("controller_runtime_reconcile")
          .description("Total number of reconciliations per controller")
          .tags("controller", controller, "result", outcome.label)
          .register(registry));
    }
    errors = Counter.builder("controller_runtime_reconcile_errors")
        .description("Total number of reconciliation errors per controller")
        .tag("controller", controller)
        .register(registry);
    terminalErrors = Counter.builder("controller_runtime_terminal_reconcile_errors")
        .description("Total number of terminal reconciliation errors per controller")
        .tag("controller", controller)
        .register(registry);
    reconcileTime = Timer.builder("controller_runtime_reconcile_time")
        .description("Length of time per reconciliation per controller")
        .tag("controller", controller)
        .serviceLevelObjectives(Arrays.stream(RECONCILE_BUCKETS)
            .mapToObj(seconds -> Duration.ofNanos((long) (seconds * 1e9)))
            .toArray(Duration[]::new))
        .register(registry);
    Gauge.builder("controller_runtime_max_concurrent_reconciles", () -> maxConcurrentReconciles)
        .description("Maximum number of concurrent reconciles per controller")
        .tag("controller", controller)
        .register(registry);
    Gauge.builder("controller_runtime_active_workers", activeWorkers, AtomicInteger::get)
        .description("Number of currently used workers per controller")
        .tag("controller", controller)
        .register(registry);
  }

  void workerStarted() {
    activeWorkers.incrementAndGet();
  }

  void workerFinished(Outcome outcome, boolean terminal, long nanos) {
    activeWorkers.decrementAndGet();
    reconcileTime.record(Duration.ofNanos(nanos));
    totals.get(outcome).increment();
    if (outcome == Outcome.ERROR) {
      errors.increment();
      if (terminal) {
        terminalErrors.increment();
      }
    }
  }
}
