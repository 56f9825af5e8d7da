package io.pgoperator.runtime.controller;

import java.time.Duration;
import java.util.Objects;

/**
 * How one controller runs.
 *
 * @param name the controller's name: metric label, log field, queue name
 * @param maxConcurrentReconciles workers; distinct keys only, a key is never reconciled twice at once
 * @param resyncPeriod enqueue every cached primary this often (low priority); zero turns it off
 */
public record ControllerOptions(String name, int maxConcurrentReconciles, Duration resyncPeriod) {

  public ControllerOptions {
    Objects.requireNonNull(name, "name");
    if (maxConcurrentReconciles < 1) {
      throw new IllegalArgumentException("maxConcurrentReconciles must be at least 1, got " + maxConcurrentReconciles);
    }
    if (resyncPeriod == null || resyncPeriod.isNegative()) {
      throw new IllegalArgumentException("resyncPeriod must be zero (off) or positive, got " + resyncPeriod);
    }
  }

  public static ControllerOptions named(String name) {
    return new ControllerOptions(name, 1, Duration.ZERO);
  }

  public ControllerOptions withMaxConcurrentReconciles(int workers) {
    return new ControllerOptions(name, workers, resyncPeriod);
  }

  public ControllerOptions withResyncPeriod(Duration period) {
    return new ControllerOptions(name, maxConcurrentReconciles, period);
  }
}
