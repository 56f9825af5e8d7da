package io.pgoperator.runtime.queue;

import java.time.Duration;

/**
 * Decides how long a key waits before it is retried (client-go's {@code TypedRateLimiter}).
 * Implementations are confined to the queue's context like the queue itself.
 */
public interface RateLimiter<K> {

  /** The delay before {@code item} may be processed again; records one more requeue. */
  Duration when(K item);

  /** Stops tracking {@code item}: its next failure starts again from the base delay. */
  void forget(K item);

  /** How many times {@code item} was requeued since it was last forgotten. */
  int numRequeues(K item);
}
