package io.pgoperator.runtime.time;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A clock that only moves when a test says so. Timers run synchronously, in deadline order
 * (then creation order), from {@link #advance(Duration)} on the calling thread. Wall time can be
 * set apart from monotonic time to model clock skew between nodes.
 */
public final class FakeClock implements Clock {

  private record Pending(long id, long dueNanos, Runnable task) {}

  private final PriorityQueue<Pending> timers =
      new PriorityQueue<>(Comparator.comparingLong(Pending::dueNanos).thenComparingLong(Pending::id));
  private long nanos = 1_000_000_000L;
  private Instant wall = Instant.parse("2026-01-01T00:00:00Z");
  private long nextId = 1;

  @Override
  public long nanoTime() {
    return nanos;
  }

  @Override
  public Instant wallTime() {
    return wall;
  }

  /** Moves wall time alone, as a node with a skewed clock would see it. */
  public void setWallTime(Instant wallTime) {
    this.wall = wallTime;
  }

  @Override
  public long setTimer(long delayMillis, Runnable task) {
    long id = nextId++;
    timers.add(new Pending(id, nanos + Math.max(0, delayMillis) * 1_000_000L, task));
    return id;
  }

  @Override
  public boolean cancelTimer(long timerId) {
    return timers.removeIf(p -> p.id() == timerId);
  }

  /** Moves both clocks forward, running every timer that falls due on the way. */
  public void advance(Duration step) {
    long target = nanos + step.toNanos();
    while (!timers.isEmpty() && timers.peek().dueNanos() <= target) {
      Pending next = timers.poll();
      wall = wall.plusNanos(next.dueNanos() - nanos);
      nanos = next.dueNanos();
      next.task().run();
    }
    wall = wall.plusNanos(target - nanos);
    nanos = target;
  }

  /** Runs timers already due (delay 0) without moving time. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  public int pendingTimers() {
    return timers.size();
  }
}
