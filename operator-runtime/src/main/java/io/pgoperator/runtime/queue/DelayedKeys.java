package io.pgoperator.runtime.queue;

import io.pgoperator.runtime.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Keys waiting for a deadline (client-go's {@code waitingForQueue}), ordered by deadline, with
 * one clock timer armed for the earliest. A key waits at most once: the earlier deadline wins,
 * and a HIGH wait keeps its priority. Due keys are handed to {@code release} on the owning
 * context.
 */
final class DelayedKeys<K> {

  private record Waiting<K>(K key, long dueNanos, long seq, Priority priority) {}

  private static final long NO_TIMER = -1;

  private final Clock clock;
  private final BiConsumer<K, Priority> release;
  private final TreeSet<Waiting<K>> byDeadline =
      new TreeSet<>(
          Comparator.<Waiting<K>>comparingLong(Waiting::dueNanos).thenComparingLong(Waiting::seq));
  private final Map<K, Waiting<K>> byKey = new HashMap<>();
  private long nextSeq;
  private long timerId = NO_TIMER;
  private long timerDueNanos;

  DelayedKeys(Clock clock, BiConsumer<K, Priority> release) {
    this.clock = clock;
    this.release = release;
  }

  void add(K key, long delayNanos, Priority priority) {
    long due = clock.nanoTime() + delayNanos;
    Waiting<K> existing = byKey.get(key);
    if (existing != null) {
      Priority merged = existing.priority() == Priority.HIGH ? Priority.HIGH : priority;
      if (existing.dueNanos() <= due && merged == existing.priority()) {
        return;
      }
      byDeadline.remove(existing);
      due = Math.min(due, existing.dueNanos());
      priority = merged;
    }
    Waiting<K> waiting = new Waiting<>(key, due, nextSeq++, priority);
    byKey.put(key, waiting);
    byDeadline.add(waiting);
    armTimer();
  }

  /** Drops the key's deadline, if it has one. */
  void remove(K key) {
    Waiting<K> waiting = byKey.remove(key);
    if (waiting != null) {
      byDeadline.remove(waiting);
      // A timer armed for a removed deadline may stay: it finds nothing due and re-arms.
      if (byDeadline.isEmpty()) {
        cancelTimer();
      }
    }
  }

  int size() {
    return byKey.size();
  }

  /** Drops the deadlines of the keys that match. */
  void removeIf(java.util.function.Predicate<K> filter) {
    byKey.values().removeIf(waiting -> {
      if (filter.test(waiting.key())) {
        byDeadline.remove(waiting);
        return true;
      }
      return false;
    });
    if (byDeadline.isEmpty()) {
      cancelTimer();
    }
  }

  void clear() {
    byKey.clear();
    byDeadline.clear();
    cancelTimer();
  }

  private void onTimer() {
    timerId = NO_TIMER;
    long now = clock.nanoTime();
    while (!byDeadline.isEmpty() && byDeadline.first().dueNanos() <= now) {
      Waiting<K> due = byDeadline.pollFirst();
      byKey.remove(due.key());
      release.accept(due.key(), due.priority());
    }
    armTimer();
  }

  /** Keeps exactly one timer, due no later than the earliest deadline. */
  private void armTimer() {
    if (byDeadline.isEmpty()) {
      return;
    }
    long earliest = byDeadline.first().dueNanos();
    if (timerId != NO_TIMER) {
      if (timerDueNanos <= earliest) {
        return;
      }
      cancelTimer();
    }
    // Round up so the timer never fires before the deadline (a millisecond-resolution timer).
    long delayMillis = Math.max(0, (earliest - clock.nanoTime() + 999_999) / 1_000_000);
    timerDueNanos = earliest;
    timerId = clock.setTimer(delayMillis, this::onTimer);
  }

  private void cancelTimer() {
    if (timerId != NO_TIMER) {
      clock.cancelTimer(timerId);
      timerId = NO_TIMER;
    }
  }
}
