package io.pgoperator.runtime.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes: synchronisation without fixed sleeps. */
public final class Await {

  private static final Duration DEFAULT = Duration.ofSeconds(30);

  private Await() {}

  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT, condition);
  }

  public static void until(String what, Duration deadline, BooleanSupplier condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("timed out after " + deadline + " waiting for: " + what);
      }
      pause();
    }
  }

  /** Like {@link #until} but reports the last observed value on failure. */
  public static <T> T value(String what, Supplier<T> supplier, java.util.function.Predicate<T> accept) {
    long end = System.nanoTime() + DEFAULT.toNanos();
    T last = supplier.get();
    while (!accept.test(last)) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("timed out after " + DEFAULT + " waiting for: " + what + "; last value: " + last);
      }
      pause();
      last = supplier.get();
    }
    return last;
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
