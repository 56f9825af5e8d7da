package io.pgoperator.runtime.queue;

import io.pgoperator.runtime.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Factories for the rate limiters of client-go's {@code default_rate_limiters.go}. */
public final class RateLimiters {

  private RateLimiters() {}

  /** Per key: {@code base}, {@code 2*base}, {@code 4*base}, … capped at {@code max}. */
  public static <K> RateLimiter<K> exponentialFailure(Duration base, Duration max) {
    return new ExponentialFailureRateLimiter<>(base, max);
  }

  /** Overall: {@code burst} immediate retries, then one every {@code 1/qps} seconds. */
  public static <K> RateLimiter<K> bucket(double qps, int burst, Clock clock) {
    return new BucketRateLimiter<>(qps, burst, clock);
  }

  /** The largest delay of all {@code limiters}; requeues are the largest count of any. */
  @SafeVarargs
  public static <K> RateLimiter<K> maxOf(RateLimiter<K>... limiters) {
    // Copied element by element: handing the generic array on would defeat @SafeVarargs.
    List<RateLimiter<K>> all = new ArrayList<>(limiters.length);
    for (RateLimiter<K> limiter : limiters) {
      all.add(limiter);
    }
    return new MaxOfRateLimiter<>(all);
  }

  /** controller-runtime's default: per-key 5 ms … 1000 s, and 10 retries/s overall, burst 100. */
  public static <K> RateLimiter<K> controllerDefault(Clock clock) {
    return maxOf(
        exponentialFailure(Duration.ofMillis(5), Duration.ofSeconds(1000)),
        bucket(10, 100, clock));
  }
}
