package io.pgoperator.runtime.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgoperator.runtime.time.FakeClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CatchUpGateTest {

  private static final Duration POLL = Duration.ofMillis(CatchUpGate.WATCH_POLL_MILLIS);
  private static final Duration OUTAGE = CatchUpGate.RESTART_GRACE.plus(POLL.multipliedBy(3));

  private final FakeClock clock = new FakeClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Promise<Void>> catchUps = new ArrayList<>();
  private boolean watching = true;
  private boolean keysWait = true;
  private int rechecks;
  private final CatchUpGate gate = new CatchUpGate("test", () -> watching, () -> keysWait, this::startCatchUp, clock,
      () -> {
        rechecks++;
        // What the controller does on a recheck: move the gate on while keys wait.
        if (keysWait) {
          gate().advance();
        }
      }, new CatchUpMetrics(registry, "test"));

  private CatchUpGate gate() {
    return gate;
  }

  private Future<?> startCatchUp() {
    Promise<Void> catchUp = Promise.promise();
    catchUps.add(catchUp);
    return catchUp.future();
  }

  @BeforeEach
  void cachesSynced() {
    gate.start();
  }

  @Test
  void isOpenWhileEveryWatchIsOpenAndNothingIsOwed() {
    gate.advance();
    clock.advance(Duration.ofSeconds(5));

    assertThat(gate.isOpen()).isTrue();
    assertThat(catchUps).isEmpty();
    assertThat(rechecks).as("an open gate does not call the controller back").isZero();
  }

  @Test
  void aWatchBackWithinTheGraceWasRestartedAndNeedsNoList() {
    watching = false;
    clock.advance(Duration.ofMillis(300));
    assertThat(gate.isOpen()).as("closed while the watch is down").isFalse();
    gate.advance();
    assertThat(gate.isOpen()).isFalse();

    watching = true;
    int before = rechecks;
    clock.advance(POLL);

    assertThat(gate.isOpen()).isTrue();
    assertThat(rechecks).as("the controller is told to dispatch again").isGreaterThan(before);
    assertThat(catchUps).as("a restart of a watch (as the client does every 5-10 minutes) lists nothing").isEmpty();
    assertThat(counter("controller_cache_watch_restarts")).isEqualTo(1);
    assertThat(held()).isZero();
  }

  @Test
  void aWatchDownLongerThanTheGraceKeepsTheGateClosedUntilTheCachesHaveCaughtUp() {
    watching = false;
    clock.advance(OUTAGE);
    assertThat(held()).isEqualTo(1);

    watching = true;
    assertThat(gate.isOpen()).as("the watches reopened, but the caches may still miss the outage's changes").isFalse();
    clock.advance(POLL);
    assertThat(catchUps).as("the sampler saw every watch open and the controller started the catch-up").hasSize(1);
    assertThat(gate.isOpen()).isFalse();

    int before = rechecks;
    catchUps.get(0).complete();

    assertThat(gate.isOpen()).isTrue();
    assertThat(rechecks).as("the controller is told to look again").isEqualTo(before + 1);
    assertThat(catchUps("caught_up")).isEqualTo(1);
    assertThat(counter("controller_cache_watch_restarts")).isZero();
    assertThat(held()).isZero();
  }

  @Test
  void anOutageWhileNoKeyWaitedIsCaughtUpBeforeTheNextKey() {
    keysWait = false;
    watching = false;
    clock.advance(OUTAGE);
    watching = true;
    clock.advance(Duration.ofSeconds(5));
    assertThat(catchUps).as("nothing is listed while no key waits").isEmpty();
    assertThat(held()).as("no key is held (a standby owes a catch-up for when it leads)").isZero();
    assertThat(gate.isOpen()).as("the resumed watches may still be delivering the outage's changes").isFalse();

    keysWait = true;
    gate.advance();
    assertThat(catchUps).hasSize(1);
    assertThat(held()).isEqualTo(1);
    catchUps.get(0).complete();
    assertThat(gate.isOpen()).isTrue();
  }

  @Test
  void aFailedCatchUpIsRetriedAfterTheRetryPeriodNotAtOnce() {
    outageEndsWhileKeysWait();
    assertThat(catchUps).hasSize(1);

    catchUps.get(0).fail("a watch closed again");
    assertThat(gate.isOpen()).isFalse();
    clock.advance(CatchUpGate.CATCH_UP_RETRY.minusMillis(1));
    assertThat(catchUps).as("no new list before the retry period").hasSize(1);

    clock.advance(POLL);
    assertThat(catchUps).hasSize(2);
    catchUps.get(1).complete();
    assertThat(gate.isOpen()).isTrue();
    assertThat(catchUps("failed")).isEqualTo(1);
    assertThat(catchUps("caught_up")).isEqualTo(1);
  }

  @Test
  void aCatchUpOverlappedByAnotherInterruptionDoesNotOpenTheGate() {
    outageEndsWhileKeysWait();
    assertThat(catchUps).hasSize(1);

    watching = false;
    gate.advance();
    watching = true;
    catchUps.get(0).complete();
    assertThat(gate.isOpen()).as("its list may predate what the second interruption hid").isFalse();
    assertThat(catchUps("abandoned")).isEqualTo(1);

    clock.advance(POLL);
    assertThat(catchUps).as("a catch-up after the second interruption").hasSize(2);
    catchUps.get(1).complete();
    assertThat(gate.isOpen()).isTrue();
  }

  @Test
  void stopCancelsTheSamplerAndIgnoresALateCatchUp() {
    watching = false;
    clock.advance(OUTAGE);
    assertThat(clock.pendingTimers()).isEqualTo(1);

    gate.stop();
    assertThat(clock.pendingTimers()).isZero();
    watching = true;
    gate.advance();
    assertThat(catchUps).isEmpty();
    assertThat(gate.isOpen()).isFalse();
    assertThat(held()).isZero();
  }

  /** A watch down longer than the grace, then every watch open again and the controller moving the gate on. */
  private void outageEndsWhileKeysWait() {
    watching = false;
    clock.advance(OUTAGE);
    watching = true;
    gate.advance();
  }

  private double counter(String name) {
    return registry.get(name).counter().count();
  }

  private double catchUps(String result) {
    return registry.get("controller_cache_catch_ups").tag("result", result).counter().count();
  }

  private double held() {
    return registry.get("controller_cache_held").gauge().value();
  }
}
