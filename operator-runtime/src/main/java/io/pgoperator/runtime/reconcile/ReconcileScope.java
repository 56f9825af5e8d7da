package io.pgoperator.runtime.reconcile;

import io.pgoperator.runtime.leader.LeaderTerm;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/**
 * Who is reconciling what, under which leadership term: the Vert.x counterpart of the
 * {@code ctx} that controller-runtime hands every reconcile. The runtime runs each reconcile on
 * its own duplicated Vert.x context carrying one scope, so code deep in a reconcile (the fenced
 * client, log lines) can find it without it being threaded through every call.
 */
public record ReconcileScope(String controller, Request request, String reconcileId, LeaderTerm term) {

  private static final Object KEY = ReconcileScope.class;

  /** The scope of the reconcile running on the current context, or null outside one. */
  public static ReconcileScope current() {
    Context context = Vertx.currentContext();
    return context == null ? null : (ReconcileScope) ((ContextInternal) context).localContextData().get(KEY);
  }

  /** A fresh duplicate of {@code base} that carries this scope. */
  public Context bindTo(Context base) {
    ContextInternal duplicate = ((ContextInternal) base).duplicate();
    duplicate.localContextData().put(KEY, this);
    return duplicate;
  }
}
