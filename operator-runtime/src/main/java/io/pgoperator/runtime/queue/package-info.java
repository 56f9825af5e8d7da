/**
 * The controller's work queue, with client-go {@code util/workqueue} semantics.
 *
 * <p>Contract of {@link io.pgoperator.runtime.queue.WorkQueue}:
 *
 * <ul>
 *   <li>A key is queued at most once, and never handed out twice at the same time: a key added
 *       while it is being processed is only marked dirty, and {@code done} queues it again with
 *       the priority it was added with.
 *   <li>{@code poll} hands out HIGH keys (live watch events) before LOW keys (initial list,
 *       resync, leadership takeover), first in first out within a priority; a HIGH add lifts a
 *       queued LOW key.
 *   <li>{@code addAfter} parks a key until its deadline; a key waits once, for its earliest
 *       deadline, behind a single timer for the earliest deadline of all. {@code add} makes a
 *       waiting key ready now and drops its deadline.
 *   <li>{@code addRateLimited} delays by the {@link io.pgoperator.runtime.queue.RateLimiter}
 *       (by default per-key 5 ms doubling to 1000 s, and 10/s burst 100 overall); {@code forget}
 *       resets a key's backoff.
 *   <li>After {@code shutDown} adds are ignored, {@code poll} returns null and waiting keys are
 *       dropped; {@code shutDownWithDrain} completes once in-flight keys are done.
 * </ul>
 *
 * <p>Not thread-safe by design: the queue, its limiters and its timers are confined to the one
 * Vert.x context that owns them, so there are no locks. Time comes from the injected {@link
 * io.pgoperator.runtime.time.Clock}. Only the metrics' gauges are read from other threads.
 */
package io.pgoperator.runtime.queue;
