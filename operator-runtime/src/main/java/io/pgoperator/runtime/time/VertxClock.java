package io.pgoperator.runtime.time;

import io.vertx.core.Vertx;
import java.time.Instant;

/** The production clock: {@link System#nanoTime()} and Vert.x timers on the caller's context. */
public final class VertxClock implements Clock {

  private final Vertx vertx;

  public VertxClock(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Instant wallTime() {
    return Instant.now();
  }

  @Override
  public long setTimer(long delayMillis, Runnable task) {
    // Vert.x rejects delays below 1 ms.
    return vertx.setTimer(Math.max(1, delayMillis), id -> task.run());
  }

  @Override
  public boolean cancelTimer(long timerId) {
    return vertx.cancelTimer(timerId);
  }
}
