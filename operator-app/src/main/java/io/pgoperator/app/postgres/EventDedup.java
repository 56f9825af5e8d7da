package io.pgoperator.app.postgres;

import io.pgoperator.runtime.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers which events were recorded recently, so the same (object uid, type, reason,
 * message) is recorded at most once per window and a retry loop cannot flood a namespace.
 * Bounded: the oldest entries go first. Not thread-safe: confined to the controller's event
 * loop, where reconciles and their future callbacks run.
 */
final class EventDedup {

  record Key(String uid, String type, String reason, String message) {}

  private final Clock clock;
  private final long windowNanos;
  private final int capacity;
  /** Insertion order = recording order, so the eldest entry is the first to expire. */
  private final LinkedHashMap<Key, Long> recorded = new LinkedHashMap<>();

  EventDedup(Clock clock, Duration window, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.clock = clock;
    this.windowNanos = window.toNanos();
    this.capacity = capacity;
  }

  /** True, and remembered, if this event was not recorded within the window; else false. */
  boolean shouldRecord(Key key) {
    long now = clock.nanoTime();
    expire(now);
    Long last = recorded.get(key);
    if (last != null && now - last < windowNanos) {
      return false;
    }
    recorded.remove(key);
    recorded.put(key, now);
    while (recorded.size() > capacity) {
      Iterator<Map.Entry<Key, Long>> eldest = recorded.entrySet().iterator();
      eldest.next();
      eldest.remove();
    }
    return true;
  }

  /** Forgets a key, so a write that failed can be retried by the next reconcile. */
  void forget(Key key) {
    recorded.remove(key);
  }

  int size() {
    return recorded.size();
  }

  private void expire(long now) {
    Iterator<Map.Entry<Key, Long>> it = recorded.entrySet().iterator();
    while (it.hasNext() && now - it.next().getValue() >= windowNanos) {
      it.remove();
    }
  }
}
