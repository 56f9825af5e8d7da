package io.pgoperator.runtime.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.runtime.time.FakeClock;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

  private final FakeClock clock = new FakeClock();
  private final WorkQueue<String> queue =
      new WorkQueue<>(
          "test", clock, RateLimiters.controllerDefault(clock), WorkQueueMetrics.noop());

  @Test
  void addingAQueuedKeyAgainCollapsesIntoOne() {
    queue.add("a");
    queue.add("b");
    queue.add("a");

    assertThat(queue.length()).isEqualTo(2);
    assertThat(drain()).containsExactly("a", "b");
  }

  @Test
  void addWhileProcessingMarksDirtyAndDoneRequeues() {
    queue.add("a");
    String first = queue.poll();

    queue.add("a");
    queue.add("a");

    assertThat(queue.poll()).as("never handed out twice at once").isNull();
    assertThat(queue.length()).isZero();
    assertThat(queue.processing()).isEqualTo(1);

    queue.done(first);

    assertThat(queue.length()).isEqualTo(1);
    assertThat(queue.poll()).isEqualTo("a");
    queue.done("a");
    assertThat(queue.poll()).as("the two adds while processing collapsed").isNull();
  }

  @Test
  void doneWithoutAddMeanwhileDoesNotRequeue() {
    queue.add("a");
    queue.done(queue.poll());

    assertThat(queue.length()).isZero();
    assertThat(queue.processing()).isZero();
  }

  @Test
  void addAfterMakesTheKeyReadyOnlyAtItsDeadline() {
    queue.addAfter("a", Duration.ofSeconds(1));

    clock.advance(Duration.ofMillis(999));
    assertThat(queue.poll()).isNull();
    assertThat(queue.waiting()).isEqualTo(1);

    clock.advance(Duration.ofMillis(1));
    assertThat(queue.poll()).isEqualTo("a");
    assertThat(queue.waiting()).isZero();
  }

  @Test
  void addAfterKeepsTheEarlierDeadline() {
    queue.addAfter("early-first", Duration.ofSeconds(1));
    queue.addAfter("early-first", Duration.ofSeconds(5));
    queue.addAfter("early-second", Duration.ofSeconds(5));
    queue.addAfter("early-second", Duration.ofSeconds(1));

    clock.advance(Duration.ofSeconds(1));

    assertThat(drain()).containsExactlyInAnyOrder("early-first", "early-second");
    clock.advance(Duration.ofSeconds(10));
    assertThat(queue.length()).as("the later deadlines were dropped").isZero();
  }

  @Test
  void addAfterThenAddMakesTheKeyReadyNowAndDropsTheDeadline() {
    queue.addAfter("a", Duration.ofSeconds(10));

    queue.add("a");

    assertThat(queue.poll()).isEqualTo("a");
    assertThat(queue.waiting()).isZero();
    queue.done("a");
    clock.advance(Duration.ofSeconds(10));
    assertThat(queue.length()).isZero();
  }

  @Test
  void waitingKeysShareOneTimerForTheEarliestDeadline() {
    queue.addAfter("c", Duration.ofSeconds(3));
    queue.addAfter("b", Duration.ofSeconds(2));
    queue.addAfter("a", Duration.ofSeconds(1));

    assertThat(clock.pendingTimers()).isEqualTo(1);
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(1));
      seen.addAll(drain());
    }
    assertThat(seen).containsExactly("a", "b", "c");
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void droppingTheEarliestDeadlineStillReleasesTheNextOnTime() {
    queue.addAfter("a", Duration.ofSeconds(1));
    queue.addAfter("b", Duration.ofSeconds(2));
    queue.add("a");
    assertThat(drain()).containsExactly("a");

    clock.advance(Duration.ofSeconds(1));
    assertThat(queue.length()).isZero();
    assertThat(clock.pendingTimers()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    assertThat(drain()).containsExactly("b");
  }

  @Test
  void addAfterWithoutDelayAddsNow() {
    queue.addAfter("a", Duration.ZERO);
    queue.addAfter("b", Duration.ofMillis(-5));

    assertThat(queue.length()).isEqualTo(2);
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void addAfterWhileProcessingRequeuesAfterDoneOnceDue() {
    queue.add("a");
    String key = queue.poll();
    queue.addAfter(key, Duration.ofSeconds(1));

    clock.advance(Duration.ofSeconds(1));
    assertThat(queue.poll()).isNull();

    queue.done(key);
    assertThat(queue.poll()).isEqualTo("a");
  }

  @Test
  void addRateLimitedBacksOffPerKeyUntilForgotten() {
    queue.addRateLimited("a");
    queue.addRateLimited("a");
    assertThat(queue.numRequeues("a")).isEqualTo(2);

    clock.advance(Duration.ofMillis(5));
    assertThat(queue.poll()).as("the earlier deadline (5 ms) wins over 10 ms").isEqualTo("a");
    queue.done("a");

    queue.forget("a");
    assertThat(queue.numRequeues("a")).isZero();
    queue.addRateLimited("a");
    clock.advance(Duration.ofMillis(4));
    assertThat(queue.poll()).isNull();
    clock.advance(Duration.ofMillis(1));
    assertThat(queue.poll()).isEqualTo("a");
  }

  @Test
  void liveKeysArePolledBeforeResyncKeys() {
    queue.add("resync-1", Priority.LOW);
    queue.add("resync-2", Priority.LOW);
    queue.add("live-1");
    queue.add("live-2", Priority.HIGH);

    assertThat(drain()).containsExactly("live-1", "live-2", "resync-1", "resync-2");
  }

  @Test
  void aLiveAddLiftsAQueuedResyncKey() {
    queue.add("resync-1", Priority.LOW);
    queue.add("resync-2", Priority.LOW);
    queue.add("live-1");

    queue.add("resync-2", Priority.HIGH);
    queue.add("live-1", Priority.LOW);

    assertThat(queue.length()).isEqualTo(3);
    assertThat(drain()).containsExactly("live-1", "resync-2", "resync-1");
  }

  @Test
  void aKeyAddedWhileProcessingKeepsThePriorityItWasAddedWith() {
    queue.add("a");
    queue.add("b");
    String a = queue.poll();
    String b = queue.poll();
    queue.add(a, Priority.LOW);
    queue.add(b, Priority.LOW);
    queue.add(b, Priority.HIGH);
    queue.add("live");

    queue.done(a);
    queue.done(b);

    assertThat(drain()).containsExactly("live", "b", "a");
  }

  @Test
  void aLiveAddLiftsAWaitingResyncKey() {
    queue.addAfter("resync", Duration.ofSeconds(1), Priority.LOW);
    queue.addAfter("resync", Duration.ofSeconds(2), Priority.HIGH);
    queue.add("other", Priority.LOW);

    clock.advance(Duration.ofSeconds(1));

    assertThat(drain()).containsExactly("resync", "other");
  }

  @Test
  void onReadyFiresWhenAKeyBecomesReady() {
    List<Integer> lengths = new ArrayList<>();
    queue.onReady(() -> lengths.add(queue.length()));

    queue.add("a");
    queue.add("a");
    assertThat(lengths).as("a collapsed add is not a new ready key").containsExactly(1);

    queue.addAfter("b", Duration.ofSeconds(1));
    assertThat(lengths).hasSize(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(lengths).containsExactly(1, 2);

    String a = queue.poll();
    queue.add(a);
    assertThat(lengths).as("dirty while processing is not ready").hasSize(2);
    queue.done(a);
    assertThat(lengths).containsExactly(1, 2, 2);
  }

  @Test
  void anOnReadyListenerMayPollRightAway() {
    List<String> polled = new ArrayList<>();
    queue.onReady(() -> polled.add(queue.poll()));

    queue.add("a");

    assertThat(polled).containsExactly("a");
    assertThat(queue.processing()).isEqualTo(1);
  }

  @Test
  void shutDownIgnoresAddsAndCancelsTimers() {
    queue.add("queued");
    queue.addAfter("waiting", Duration.ofSeconds(1));

    queue.shutDown();
    queue.add("late");
    queue.addAfter("late-delayed", Duration.ofSeconds(1));
    queue.addRateLimited("late-retry");

    assertThat(queue.isShuttingDown()).isTrue();
    assertThat(queue.poll()).isNull();
    assertThat(queue.length()).isZero();
    assertThat(clock.pendingTimers()).isZero();
    assertThat(queue.numRequeues("late-retry")).isZero();
  }

  @Test
  void shutDownWithDrainCompletesOnlyAfterInFlightKeysAreDone() {
    queue.add("a");
    queue.add("b");
    String a = queue.poll();
    String b = queue.poll();
    queue.add(a);

    Future<Void> drained = queue.shutDownWithDrain();

    assertThat(drained.isComplete()).isFalse();
    queue.done(a);
    assertThat(drained.isComplete()).isFalse();
    assertThat(queue.length()).as("dirty keys are not re-queued after shutdown").isZero();
    queue.done(b);
    assertThat(drained.succeeded()).isTrue();
    assertThat(queue.processing()).isZero();
  }

  @Test
  void shutDownWithDrainCompletesAtOnceWhenIdle() {
    queue.add("a");

    assertThat(queue.shutDownWithDrain().succeeded()).isTrue();
  }

  private List<String> drain() {
    List<String> keys = new ArrayList<>();
    for (String key = queue.poll(); key != null; key = queue.poll()) {
      keys.add(key);
      queue.done(key);
    }
    return keys;
  }
}
