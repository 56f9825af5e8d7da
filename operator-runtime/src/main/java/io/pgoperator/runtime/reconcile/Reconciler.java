package io.pgoperator.runtime.reconcile;

import io.vertx.core.Future;

/**
 * Domain logic for one controller. Called on the controller's Vert.x context, never twice at
 * once for the same key. It must not block: blocking client calls go through
 * {@link io.pgoperator.runtime.kube.KubeCalls}.
 */
@FunctionalInterface
public interface Reconciler {

  Future<Result> reconcile(Request request);

  /**
   * Runs the code a first reconcile would run (class loading, cryptography, serialization)
   * without sending anything to the API server, so that a standby that takes over writes within
   * milliseconds instead of paying for all that on the takeover path. Called once per replica on
   * a worker thread, after the caches synced; may block. A failure is logged and otherwise
   * ignored.
   */
  default void warmUp() {}
}
