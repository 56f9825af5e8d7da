package io.pgoperator.runtime.logging;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;

/**
 * Logs a failure that is retried on its own (an informer's list or watch against an API server
 * that is down, or that refuses it): a warning when it starts, then at most one a minute saying how
 * often it failed meanwhile, the repeats in between at debug. Watches retry within a second, so
 * logging each attempt would flood the log during an outage. A failure after a minute without one
 * counts as a new one. Thread-safe.
 */
public final class RetryLog {

  static final Duration REPEAT = Duration.ofMinutes(1);

  private final Logger log;
  private final String what;
  private boolean failing;
  private long lastFailureNanos;
  private long lastWarningNanos;
  private long startedNanos;
  private int silenced;

  /** @param what the subject of the message, e.g. {@code informer for secrets in ns} */
  public RetryLog(Logger log, String what) {
    this.log = log;
    this.what = what;
  }

  /** Records one failed attempt that will be retried; {@code error} is described, without its stack. */
  public void failed(Throwable error) {
    failed(describe(error));
  }

  /** Records one failed attempt that will be retried, and why. */
  public synchronized void failed(String reason) {
    long now = System.nanoTime();
    if (!failing || now - lastFailureNanos > REPEAT.toNanos()) {
      failing = true;
      startedNanos = now;
      lastWarningNanos = now;
      silenced = 0;
      log.warn("{} failed; retrying: {}", what, reason);
    } else if (now - lastWarningNanos >= REPEAT.toNanos()) {
      log.warn("{} still failing after {} s ({} more attempts); retrying: {}", what,
          (now - startedNanos) / 1_000_000_000L, silenced + 1, reason);
      lastWarningNanos = now;
      silenced = 0;
    } else {
      silenced++;
      log.debug("{} failed again; retrying: {}", what, reason);
    }
    lastFailureNanos = now;
  }

  /** The error's own message, past the wrappers a future adds. */
  public static String describe(Throwable error) {
    Throwable cause = unwrap(error);
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }

  /** {@code error} without the {@link CompletionException}s around it. */
  public static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
