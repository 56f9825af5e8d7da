package io.pgoperator.runtime.queue;

import io.pgoperator.runtime.time.Clock;
import java.time.Duration;

/**
 * One token bucket for all keys, with golang.org/x/time/rate's reservation semantics: every call
 * takes a token, possibly going into debt, and the delay is the time until that token exists.
 * The bucket starts full. It bounds the overall retry rate; it tracks no keys.
 */
final class BucketRateLimiter<K> implements RateLimiter<K> {

  private static final double NANOS_PER_SECOND = 1e9;

  private final double qps;
  private final double burst;
  private final Clock clock;
  private double tokens;
  private long lastNanos;

  BucketRateLimiter(double qps, int burst, Clock clock) {
    if (!(qps > 0) || burst < 1) {
      throw new IllegalArgumentException(
          "token bucket needs qps > 0 and burst >= 1, got qps " + qps + ", burst " + burst);
    }
    this.qps = qps;
    this.burst = burst;
    this.clock = clock;
    this.tokens = burst;
    this.lastNanos = clock.nanoTime();
  }

  @Override
  public Duration when(K item) {
    long now = clock.nanoTime();
    if (now > lastNanos) {
      tokens = Math.min(burst, tokens + (now - lastNanos) * qps / NANOS_PER_SECOND);
      lastNanos = now;
    }
    tokens -= 1;
    if (tokens >= 0) {
      return Duration.ZERO;
    }
    // Multiply before dividing: a whole-token debt then gives an exact delay (100 ms at 10 qps).
    return Duration.ofNanos((long) (-tokens * NANOS_PER_SECOND / qps));
  }

  @Override
  public void forget(K item) {}

  @Override
  public int numRequeues(K item) {
    return 0;
  }
}
