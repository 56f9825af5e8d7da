package io.pgoperator.runtime.controller;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a controller's {@link CatchUpGate} did: {@code controller_cache_held{controller}} is 1
 * while reconciles wait for the caches after a watch was down longer than the restart grace;
 * {@code controller_cache_watch_restarts_total{controller}} counts interruptions shorter than that,
 * which paused reconciles without a list; {@code
 * controller_cache_catch_ups_total{controller,result}} counts the quorum lists made to catch up
 * ({@code caught_up}, {@code failed}, {@code abandoned} when a watch went down again meanwhile).
 */
final class CatchUpMetrics {

  private final AtomicInteger held = new AtomicInteger();
  private final Counter restarts;
  private final Counter caughtUp;
  private final Counter failed;
  private final Counter abandoned;

  CatchUpMetrics(MeterRegistry registry, String controller) {
    Gauge.builder("controller_cache_held", held, AtomicInteger::get)
        .description("1 while reconciles wait for the caches to catch up after a watch was down")
        .tag("controller", controller)
        .register(registry);
    restarts = Counter.builder("controller_cache_watch_restarts")
        .description("Watch interruptions short enough to need no catch-up list")
        .tag("controller", controller)
        .register(registry);
    caughtUp = catchUps(registry, controller, "caught_up");
    failed = catchUps(registry, controller, "failed");
    abandoned = catchUps(registry, controller, "abandoned");
  }

  private static Counter catchUps(MeterRegistry registry, String controller, String result) {
    return Counter.builder("controller_cache_catch_ups")
        .description("Quorum lists made to catch the caches up after a watch was down, by result")
        .tags("controller", controller, "result", result)
        .register(registry);
  }

  void holding(boolean holding) {
    held.set(holding ? 1 : 0);
  }

  void watchRestarted() {
    restarts.increment();
  }

  void caughtUp() {
    caughtUp.increment();
  }

  void catchUpFailed() {
    failed.increment();
  }

  void catchUpAbandoned() {
    abandoned.increment();
  }
}
