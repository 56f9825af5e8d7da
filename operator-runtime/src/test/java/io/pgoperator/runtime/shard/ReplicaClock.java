package io.pgoperator.runtime.shard;

import io.pgoperator.runtime.time.Clock;
import io.pgoperator.runtime.time.FakeClock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * One replica's view of the shared {@link FakeClock}: the same time (a paused process's terms
 * expire in reality, whatever it knows), but its timers, and every callback routed through them,
 * wait while the replica is paused and run in their original order on resume. A crashed replica
 * is one paused for good.
 */
final class ReplicaClock implements Clock {

  private static final class Entry {
    final long id;
    final Runnable task;
    long sharedId;
    boolean cancelled;

    Entry(long id, Runnable task) {
      this.id = id;
      this.task = task;
    }
  }

  /** The replica whose task runs now (for the trace), or null. */
  static String running;

  private final String name;
  private final FakeClock shared;
  private final Runnable afterEach;
  private final Map<Long, Entry> entries = new HashMap<>();
  private final Deque<Entry> deferred = new ArrayDeque<>();
  private long nextId = 1;
  private boolean paused;
  private boolean crashed;

  /** @param afterEach runs after every task of this replica (the invariant checks) */
  ReplicaClock(String name, FakeClock shared, Runnable afterEach) {
    this.name = name;
    this.shared = shared;
    this.afterEach = afterEach;
  }

  @Override
  public long nanoTime() {
    return shared.nanoTime();
  }

  @Override
  public Instant wallTime() {
    return shared.wallTime();
  }

  @Override
  public long setTimer(long delayMillis, Runnable task) {
    Entry entry = new Entry(nextId++, task);
    entries.put(entry.id, entry);
    entry.sharedId = shared.setTimer(delayMillis, () -> fire(entry));
    return entry.id;
  }

  @Override
  public boolean cancelTimer(long timerId) {
    Entry entry = entries.remove(timerId);
    if (entry == null) {
      return false;
    }
    entry.cancelled = true;
    shared.cancelTimer(entry.sharedId);
    deferred.remove(entry);
    return true;
  }

  boolean paused() {
    return paused || crashed;
  }

  void pause() {
    paused = true;
  }

  void crash() {
    crashed = true;
    deferred.clear();
  }

  /** Runs what waited, in order, as the shared clock's next due task (never inside the caller). */
  void resume() {
    paused = false;
    shared.setTimer(0, () -> {
      while (!paused() && !deferred.isEmpty()) {
        fire(deferred.poll());
      }
    });
  }

  private void fire(Entry entry) {
    if (entry.cancelled || crashed) {
      return;
    }
    if (paused) {
      deferred.add(entry);
      return;
    }
    entries.remove(entry.id);
    String outer = running;
    running = name;
    try {
      entry.task.run();
    } finally {
      running = outer;
    }
    afterEach.run();
  }
}
