package io.pgoperator.runtime.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.runtime.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitersTest {

  private final FakeClock clock = new FakeClock();

  @Test
  void exponentialFailureDoublesFrom5msAndCapsAt1000s() {
    RateLimiter<String> limiter =
        RateLimiters.exponentialFailure(Duration.ofMillis(5), Duration.ofSeconds(1000));

    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      delays.add(limiter.when("a"));
    }

    assertThat(delays.subList(0, 5))
        .containsExactly(ms(5), ms(10), ms(20), ms(40), ms(80));
    assertThat(delays.get(17)).isEqualTo(Duration.ofMillis(5L << 17)); // 655.36 s
    assertThat(delays.get(18)).isEqualTo(Duration.ofSeconds(1000));
    assertThat(delays.get(19)).isEqualTo(Duration.ofSeconds(1000));
    assertThat(limiter.numRequeues("a")).isEqualTo(20);
  }

  @Test
  void exponentialFailureStaysCappedAfterManyFailures() {
    RateLimiter<String> limiter =
        RateLimiters.exponentialFailure(Duration.ofMillis(5), Duration.ofSeconds(1000));

    Duration last = Duration.ZERO;
    for (int i = 0; i < 2000; i++) {
      last = limiter.when("a");
    }

    assertThat(last).isEqualTo(Duration.ofSeconds(1000));
  }

  @Test
  void exponentialFailureCountsEachKeyApart() {
    RateLimiter<String> limiter =
        RateLimiters.exponentialFailure(Duration.ofMillis(5), Duration.ofSeconds(1000));

    limiter.when("a");
    limiter.when("a");

    assertThat(limiter.when("b")).isEqualTo(ms(5));
    assertThat(limiter.numRequeues("a")).isEqualTo(2);
    assertThat(limiter.numRequeues("b")).isEqualTo(1);
  }

  @Test
  void forgetResetsTheBackoff() {
    RateLimiter<String> limiter =
        RateLimiters.exponentialFailure(Duration.ofMillis(5), Duration.ofSeconds(1000));
    limiter.when("a");
    limiter.when("a");

    limiter.forget("a");

    assertThat(limiter.numRequeues("a")).isZero();
    assertThat(limiter.when("a")).isEqualTo(ms(5));
  }

  @Test
  void bucketAllowsABurstOf100ThenOneEvery100ms() {
    RateLimiter<String> limiter = RateLimiters.bucket(10, 100, clock);

    for (int i = 0; i < 100; i++) {
      assertThat(limiter.when("k" + i)).as("burst token %d", i).isEqualTo(Duration.ZERO);
    }
    assertThat(limiter.when("x")).isEqualTo(ms(100));
    assertThat(limiter.when("y")).isEqualTo(ms(200));
    assertThat(limiter.when("z")).isEqualTo(ms(300));
  }

  @Test
  void bucketRefillsAtItsRateUpToTheBurst() {
    RateLimiter<String> limiter = RateLimiters.bucket(10, 100, clock);
    for (int i = 0; i < 101; i++) {
      limiter.when("k" + i);
    }

    clock.advance(ms(300)); // the debt of one token is paid, two more accrue

    assertThat(limiter.when("a")).isEqualTo(Duration.ZERO);
    assertThat(limiter.when("b")).isEqualTo(Duration.ZERO);
    assertThat(limiter.when("c")).isEqualTo(ms(100));

    clock.advance(Duration.ofHours(1));
    int free = 0;
    while (limiter.when("k").isZero()) {
      free++;
    }
    assertThat(free).as("refill is capped at the burst").isEqualTo(100);
  }

  @Test
  void bucketTracksNoKeys() {
    RateLimiter<String> limiter = RateLimiters.bucket(10, 100, clock);
    limiter.when("a");

    assertThat(limiter.numRequeues("a")).isZero();
  }

  @Test
  void maxOfTakesTheLongestDelay() {
    RateLimiter<String> limiter = RateLimiters.controllerDefault(clock);

    for (int i = 0; i < 100; i++) {
      assertThat(limiter.when("k" + i)).as("per-key backoff dominates").isEqualTo(ms(5));
    }
    assertThat(limiter.when("k100")).as("the bucket is empty").isEqualTo(ms(100));
    clock.advance(Duration.ofSeconds(100));
    for (int i = 0; i < 10; i++) {
      limiter.when("hot");
    }
    assertThat(limiter.when("hot")).isEqualTo(Duration.ofMillis(5L << 10));
  }

  @Test
  void maxOfDelegatesForgetAndReportsTheMostRequeues() {
    RateLimiter<String> fast = RateLimiters.exponentialFailure(ms(1), ms(10));
    RateLimiter<String> slow = RateLimiters.exponentialFailure(ms(5), Duration.ofSeconds(1000));
    RateLimiter<String> limiter = RateLimiters.maxOf(fast, slow);
    slow.when("a");
    limiter.when("a");

    assertThat(limiter.numRequeues("a")).isEqualTo(2);

    limiter.forget("a");

    assertThat(fast.numRequeues("a")).isZero();
    assertThat(slow.numRequeues("a")).isZero();
    assertThat(limiter.when("a")).isEqualTo(ms(5));
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }
}
