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
}
