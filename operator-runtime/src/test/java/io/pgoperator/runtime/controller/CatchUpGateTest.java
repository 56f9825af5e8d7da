package io.pgoperator.runtime.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.runtime.time.FakeClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatchUpGateTest {

  private final FakeClock clock = new FakeClock();
  private final List<Promise<Void>> catchUps = new ArrayList<>();
  private boolean watching = true;
  private int rechecks;
  private final CatchUpGate gate = new CatchUpGate("test", () -> watching, this::startCatchUp, clock, () -> {
    rechecks++;
    // What the controller does on a recheck while keys wait: move the gate on.
    gate().advance();
  });

  private CatchUpGate gate() {
    return gate;
  }

  private Future<?> startCatchUp() {
    Promise<Void> catchUp = Promise.promise();
    catchUps.add(catchUp);
    return catchUp.future();
  }

  @Test
  void isOpenWhileEveryWatchIsOpenAndNothingIsOwed() {
    gate.advance();

    assertThat(gate.isOpen()).isTrue();
    assertThat(catchUps).isEmpty();
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void aWatchSeenDownKeepsTheGateClosedUntilTheCachesHaveCaughtUp() {
    watching = false;
    gate.advance();
    assertThat(gate.isOpen()).isFalse();

    watching = true;
    assertThat(gate.isOpen()).as("the watches reopened, but the caches may still miss the outage's changes").isFalse();
    clock.advance(Duration.ofMillis(CatchUpGate.WATCH_POLL_MILLIS));
    assertThat(catchUps).as("the poll saw every watch open and started the catch-up").hasSize(1);
    assertThat(gate.isOpen()).isFalse();

    int before = rechecks;
    catchUps.get(0).complete();

    assertThat(gate.isOpen()).isTrue();
    assertThat(rechecks).as("the controller is told to look again").isEqualTo(before + 1);
  }

  @Test
  void aFailedCatchUpIsRetriedAfterTheRetryPeriodNotAtOnce() {
    watching = false;
    gate.advance();
    watching = true;
    gate.advance();
    assertThat(catchUps).hasSize(1);

    catchUps.get(0).fail("a watch closed again");
    assertThat(gate.isOpen()).isFalse();
    clock.advance(CatchUpGate.CATCH_UP_RETRY.minusMillis(1));
    assertThat(catchUps).as("no new list before the retry period").hasSize(1);

    clock.advance(Duration.ofMillis(CatchUpGate.WATCH_POLL_MILLIS));
    assertThat(catchUps).hasSize(2);
    catchUps.get(1).complete();
    assertThat(gate.isOpen()).isTrue();
  }

  @Test
  void aCatchUpOverlappedByANewOutageDoesNotOpenTheGate() {
    watching = false;
    gate.advance();
    watching = true;
    gate.advance();
    assertThat(catchUps).hasSize(1);

    watching = false;
    gate.advance();
    watching = true;
    catchUps.get(0).complete();
    assertThat(gate.isOpen()).as("its list may predate what the second outage hid").isFalse();

    clock.advance(Duration.ofMillis(CatchUpGate.WATCH_POLL_MILLIS));
    assertThat(catchUps).as("a catch-up after the second outage").hasSize(2);
    catchUps.get(1).complete();
    assertThat(gate.isOpen()).isTrue();
  }

  @Test
  void stopCancelsThePollAndIgnoresALateCatchUp() {
    watching = false;
    gate.advance();
    assertThat(clock.pendingTimers()).isEqualTo(1);

    gate.stop();
    assertThat(clock.pendingTimers()).isZero();
    watching = true;
    gate.advance();
    assertThat(catchUps).isEmpty();
    assertThat(gate.isOpen()).isFalse();
  }
}
