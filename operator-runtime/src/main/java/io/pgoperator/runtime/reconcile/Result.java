package io.pgoperator.runtime.reconcile;

import java.time.Duration;
import java.util.Objects;

/** What a successful reconcile asks of the runtime next. Built with the factories below. */
public final class Result {

  public enum Kind { DONE, REQUEUE, REQUEUE_AFTER }

  private static final Result DONE = new Result(Kind.DONE, Duration.ZERO);
  private static final Result REQUEUE = new Result(Kind.REQUEUE, Duration.ZERO);

  private final Kind kind;
  private final Duration after;

  private Result(Kind kind, Duration after) {
    this.kind = kind;
    this.after = after;
  }

  /** Nothing more to do until the next change. */
  public static Result done() {
    return DONE;
  }

  /** Reconcile again soon, through the rate limiter (not counted as an error). */
  public static Result requeue() {
    return REQUEUE;
  }

  /** Reconcile again after {@code delay}; the per-key backoff is reset. */
  public static Result requeueAfter(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative() || delay.isZero()) {
      return REQUEUE;
    }
    return new Result(Kind.REQUEUE_AFTER, delay);
  }

  public Kind kind() {
    return kind;
  }

  public Duration after() {
    return after;
  }

  @Override
  public String toString() {
    return kind == Kind.REQUEUE_AFTER ? "requeue after " + after : kind.name().toLowerCase();
  }
}
