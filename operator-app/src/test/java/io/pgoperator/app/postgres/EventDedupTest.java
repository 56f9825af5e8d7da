package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.runtime.time.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EventDedupTest {

  private final FakeClock clock = new FakeClock();
  private final EventDedup dedup = new EventDedup(clock, Duration.ofMinutes(10), 3);
  private final EventDedup.Key invalid = new EventDedup.Key("uid-1", "Warning", "InvalidSpec", "fix port");

  @Test
  void theSameEventWithinTheWindowIsRecordedOnce() {
    assertThat(dedup.shouldRecord(invalid)).isTrue();
    clock.advance(Duration.ofMinutes(9));
    assertThat(dedup.shouldRecord(invalid)).isFalse();
  }

  @Test
  void theSameEventAfterTheWindowIsRecordedAgain() {
    assertThat(dedup.shouldRecord(invalid)).isTrue();
    clock.advance(Duration.ofMinutes(10));
    assertThat(dedup.shouldRecord(invalid)).isTrue();
    clock.advance(Duration.ofMinutes(5));
    assertThat(dedup.shouldRecord(invalid)).isFalse();
  }

  @Test
  void anotherObjectTypeReasonOrMessageIsAnotherEvent() {
    EventDedup roomy = new EventDedup(clock, Duration.ofMinutes(10), 100);
    assertThat(roomy.shouldRecord(invalid)).isTrue();
    assertThat(roomy.shouldRecord(new EventDedup.Key("uid-2", "Warning", "InvalidSpec", "fix port"))).isTrue();
    assertThat(roomy.shouldRecord(new EventDedup.Key("uid-1", "Normal", "InvalidSpec", "fix port"))).isTrue();
    assertThat(roomy.shouldRecord(new EventDedup.Key("uid-1", "Warning", "Other", "fix port"))).isTrue();
    assertThat(roomy.shouldRecord(new EventDedup.Key("uid-1", "Warning", "InvalidSpec", "fix it"))).isTrue();
    assertThat(roomy.shouldRecord(invalid)).isFalse();
  }

  @Test
  void theMemoryIsBoundedByDroppingTheOldest() {
    for (int i = 0; i < 5; i++) {
      dedup.shouldRecord(new EventDedup.Key("uid-" + i, "Normal", "Created", "x"));
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(dedup.size()).isEqualTo(3);
    assertThat(dedup.shouldRecord(new EventDedup.Key("uid-0", "Normal", "Created", "x"))).isTrue();
    assertThat(dedup.shouldRecord(new EventDedup.Key("uid-4", "Normal", "Created", "x"))).isFalse();
  }

  @Test
  void expiredEntriesAreForgotten() {
    dedup.shouldRecord(invalid);
    clock.advance(Duration.ofMinutes(11));
    dedup.shouldRecord(new EventDedup.Key("uid-2", "Normal", "Created", "x"));
    assertThat(dedup.size()).isEqualTo(1);
  }

  @Test
  void aForgottenEventIsRecordedAgain() {
    dedup.shouldRecord(invalid);
    dedup.forget(invalid);
    assertThat(dedup.shouldRecord(invalid)).isTrue();
  }
}
