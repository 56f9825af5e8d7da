package io.pgoperator.runtime.queue;

/**
 * Hooks a {@link WorkQueue} calls as keys move through it, modelled on client-go's
 * {@code queueMetrics}. The queue calls the hooks from its own context; the two gauge methods may
 * be called from any thread (a metrics scrape), so implementations keep what they read there
 * thread-safe.
 */
public interface WorkQueueMetrics {

  /**
   * {@code key} became queued (new, or re-added while being processed): count it, start its queue
   * timer.
   */
  void added(Object key);

  /**
   * The number of keys ready to poll changed. Like client-go's depth it leaves out keys waiting
   * for a deadline; unlike client-go's it also leaves out keys marked dirty while being processed,
   * which count once {@code done} re-queues them.
   */
  void depth(int readyKeys);

  /** {@code key} was handed to a worker: observe how long it was queued, start its work timer. */
  void taken(Object key);

  /** The worker finished {@code key}: observe how long it worked. */
  void done(Object key);

  /** {@code key} was re-added through the rate limiter after a failure. */
  void retried(Object key);

  /** Seconds of work in progress that no {@code done} has observed yet, summed over keys. */
  double unfinishedWorkSeconds();

  /** Seconds the longest-running key in progress has been running; 0 if none. */
  double longestRunningProcessorSeconds();

  /** Hooks that record nothing. */
  static WorkQueueMetrics noop() {
    return NoopWorkQueueMetrics.INSTANCE;
  }
}
