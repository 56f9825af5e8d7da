package io.pgoperator.runtime.time;

import java.time.Instant;

/** Monotonic time, wall time and one-shot timers, as one injectable dependency. */
public interface Clock {

  /** Monotonic nanoseconds; only differences are meaningful. */
  long nanoTime();

  /** Wall-clock time, for values written to the API server or shown to people. */
  Instant wallTime();

  /**
   * Runs {@code task} once after {@code delayMillis} (0 or less: as soon as possible). Called
   * from a Vert.x context, the task runs on that same context.
   *
   * @return an id for {@link #cancelTimer(long)}
   */
  long setTimer(long delayMillis, Runnable task);

  /** @return true if the timer was still pending and is now cancelled */
  boolean cancelTimer(long timerId);
}
