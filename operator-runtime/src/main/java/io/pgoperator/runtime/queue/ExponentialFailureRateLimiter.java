package io.pgoperator.runtime.queue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Per-key backoff: {@code base * 2^failures}, capped at {@code max}; forget resets the key. */
final class ExponentialFailureRateLimiter<K> implements RateLimiter<K> {

  private final Duration base;
  private final Duration max;
  private final Map<K, Integer> failures = new HashMap<>();

  ExponentialFailureRateLimiter(Duration base, Duration max) {
    if (base.isNegative() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException(
          "exponential backoff needs 0 <= base <= max, got base " + base + ", max " + max);
    }
    this.base = base;
    this.max = max;
  }

  @Override
  public Duration when(K item) {
    int exp = failures.merge(item, 1, Integer::sum) - 1;
    // Computed in double like client-go, so a large exponent saturates instead of overflowing.
    double nanos = base.toNanos() * Math.pow(2, exp);
    if (nanos >= max.toNanos()) {
      return max;
    }
    return Duration.ofNanos((long) nanos);
  }

  @Override
  public void forget(K item) {
    failures.remove(item);
  }

  @Override
  public int numRequeues(K item) {
    return failures.getOrDefault(item, 0);
  }
}
