package io.pgoperator.runtime.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.runtime.time.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a request sent under a term may take at most: the time left until the term's deadline. */
class LeaderTermTest {

  private final FakeClock clock = new FakeClock();

  @Test
  void theTimeLeftShrinksWithTheClockAndGrowsWithARenew() {
    LeaderTerm term = new LeaderTerm(1, clock, clock.nanoTime() + Duration.ofSeconds(10).toNanos());
    clock.advance(Duration.ofSeconds(4));
    assertThat(term.remainingNanos()).isEqualTo(Duration.ofSeconds(6).toNanos());

    term.extendUntil(clock.nanoTime() + Duration.ofSeconds(10).toNanos());
    assertThat(term.remainingNanos()).isEqualTo(Duration.ofSeconds(10).toNanos());
  }

  @Test
  void nothingIsLeftOnceTheDeadlinePassedOrTheTermEnded() {
    LeaderTerm expiring = new LeaderTerm(1, clock, clock.nanoTime() + Duration.ofSeconds(1).toNanos());
    clock.advance(Duration.ofSeconds(2));
    assertThat(expiring.remainingNanos()).isZero();
    assertThat(expiring.isValid()).isFalse();

    LeaderTerm ended = new LeaderTerm(2, clock, clock.nanoTime() + Duration.ofSeconds(10).toNanos());
    ended.end();
    assertThat(ended.remainingNanos()).isZero();
  }

  @Test
  void anUnboundedTermNeverRunsOut() {
    LeaderTerm unbounded = LeaderTerm.unbounded(clock);
    clock.advance(Duration.ofDays(365));
    assertThat(unbounded.remainingNanos()).isEqualTo(Long.MAX_VALUE);
  }
}
