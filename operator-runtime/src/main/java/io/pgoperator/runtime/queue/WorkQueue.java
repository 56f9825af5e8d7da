package io.pgoperator.runtime.queue;

import io.pgoperator.runtime.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A deduplicating, delaying, rate-limited work queue with client-go {@code util/workqueue}
 * semantics and two priorities. Confined to the Vert.x context that owns it: every method must
 * be called there, and timers and listeners run there. See the package documentation for the
 * contract.
 */
public final class WorkQueue<K> {

  private final String name;
  private final RateLimiter<K> rateLimiter;
  private final WorkQueueMetrics metrics;
  private final ReadyKeys<K> ready = new ReadyKeys<>();
  private final DelayedKeys<K> delayed;
  // Keys queued or marked to be re-queued when their processing ends (client-go's dirty set),
  // with the priority they will be queued with.
  private final Map<K, Priority> dirty = new HashMap<>();
  private final Set<K> processing = new HashSet<>();
  private final List<Runnable> readyListeners = new ArrayList<>();
  private boolean shuttingDown;
  private Promise<Void> drained;

  public WorkQueue(String name, Clock clock, RateLimiter<K> rateLimiter, WorkQueueMetrics metrics) {
    this.name = Objects.requireNonNull(name, "name");
    this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.delayed = new DelayedKeys<>(Objects.requireNonNull(clock, "clock"), this::add);
  }

  public String name() {
    return name;
  }

  public void add(K key) {
    add(key, Priority.HIGH);
  }

  /**
   * Queues {@code key} now. A key already queued stays where it is (a HIGH add lifts a queued LOW
   * key into the HIGH line); a key being processed is queued again when {@code done} is called.
   * Any deadline the key was waiting for is dropped: it is due now.
   */
  public void add(K key, Priority priority) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(priority, "priority");
    if (shuttingDown) {
      return;
    }
    delayed.remove(key);
    Priority queuedAs = dirty.get(key);
    if (queuedAs != null) {
      if (priority == Priority.HIGH && queuedAs == Priority.LOW) {
        dirty.put(key, Priority.HIGH);
        if (!processing.contains(key)) {
          ready.upgrade(key);
        }
      }
      return;
    }
    metrics.added(key);
    dirty.put(key, priority);
    if (processing.contains(key)) {
      return;
    }
    makeReady(key, priority);
  }

  public void addAfter(K key, Duration delay) {
    addAfter(key, delay, Priority.HIGH);
  }

  /**
   * Queues {@code key} once {@code delay} has passed; if it waits already, the earlier deadline
   * wins.
   */
  public void addAfter(K key, Duration delay, Priority priority) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(priority, "priority");
    if (shuttingDown) {
      return;
    }
    if (delay.isNegative() || delay.isZero()) {
      add(key, priority);
      return;
    }
    delayed.add(key, delay.toNanos(), priority);
  }

  public void addRateLimited(K key) {
    addRateLimited(key, Priority.HIGH);
  }

  /** Queues {@code key} after the delay the rate limiter asks for, counting a retry. */
  public void addRateLimited(K key, Priority priority) {
    if (shuttingDown) {
      return;
    }
    metrics.retried(key);
    addAfter(key, rateLimiter.when(key), priority);
  }

  public void forget(K key) {
    rateLimiter.forget(key);
  }

  public int numRequeues(K key) {
    return rateLimiter.numRequeues(key);
  }

  /** The next ready key, now being processed until {@link #done}; null if none or shut down. */
  public K poll() {
    if (shuttingDown) {
      return null;
    }
    K key = ready.poll();
    if (key == null) {
      return null;
    }
    dirty.remove(key);
    processing.add(key);
    metrics.taken(key);
    metrics.depth(ready.size());
    return key;
  }

  /** Ends processing of {@code key}; queues it again if it was added meanwhile. */
  public void done(K key) {
    if (!processing.remove(key)) {
      return;
    }
    metrics.done(key);
    Priority requeueAs = dirty.get(key);
    if (requeueAs != null) {
      makeReady(key, requeueAs);
    }
    if (drained != null && processing.isEmpty()) {
      drained.tryComplete();
    }
  }

  /** {@code listener} runs, on the queue's context, each time a key becomes ready to poll. */
  public void onReady(Runnable listener) {
    readyListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public int length() {
    return ready.size();
  }

  public int processing() {
    return processing.size();
  }

  /** Keys waiting for a deadline (not yet ready). */
  public int waiting() {
    return delayed.size();
  }

  /**
   * Drops every queued and waiting key (e.g. when this replica stops leading: the next leader, or
   * this one leading again, queues every cached key anew). Keys being processed stay until
   * {@link #done}, without being queued again.
   */
  public void clear() {
    delayed.clear();
    ready.clear();
    dirty.clear();
    metrics.depth(0);
  }

  /**
   * Drops the queued and waiting keys that match {@code filter} (e.g. the keys of a shard this
   * replica hands off). Matching keys being processed stay until {@link #done}, without being
   * queued again. Their rate-limiter history is forgotten.
   */
  public void removeIf(java.util.function.Predicate<K> filter) {
    delayed.removeIf(filter);
    ready.removeIf(filter);
    dirty.keySet().removeIf(key -> {
      if (filter.test(key)) {
        rateLimiter.forget(key);
        return true;
      }
      return false;
    });
    metrics.depth(ready.size());
  }

  /**
   * Stops the queue: later adds are ignored, poll returns null, waiting and queued keys are
   * dropped and their timers cancelled. Keys being processed may still be marked done.
   */
  public void shutDown() {
    if (shuttingDown) {
      return;
    }
    shuttingDown = true;
    delayed.clear();
    ready.clear();
    dirty.clear();
    metrics.depth(0);
  }

  /** {@link #shutDown()}, then completes once every key being processed was marked done. */
  public Future<Void> shutDownWithDrain() {
    shutDown();
    if (drained == null) {
      drained = Promise.promise();
      if (processing.isEmpty()) {
        drained.complete();
      }
    }
    return drained.future();
  }

  public boolean isShuttingDown() {
    return shuttingDown;
  }

  private void makeReady(K key, Priority priority) {
    ready.push(key, priority);
    metrics.depth(ready.size());
    // Listeners may poll right away, so they run after the queue's state is consistent. Indexed
    // loop: a listener may register another listener.
    for (int i = 0; i < readyListeners.size(); i++) {
      readyListeners.get(i).run();
    }
  }

  @Override
  public String toString() {
    return "WorkQueue[" + name + ": " + ready.size() + " ready, " + delayed.size() + " waiting, "
        + processing.size() + " processing" + (shuttingDown ? ", shutting down" : "") + "]";
  }
}
