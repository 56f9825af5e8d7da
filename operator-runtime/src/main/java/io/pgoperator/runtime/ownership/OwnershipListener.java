package io.pgoperator.runtime.ownership;

import io.pgoperator.runtime.leader.LeaderTerm;
import io.vertx.core.Future;

/** Told when this replica gains and loses slots. Called on the owner's context; must not block. */
public interface OwnershipListener {

  /** {@code slot}'s keys may now be reconciled under {@code term}. */
  void acquired(int slot, LeaderTerm term);

  /**
   * {@code slot}'s keys must no longer be dispatched. {@code term} may have ended already (lost)
   * or still be valid (a handoff: it ends once every listener's future has completed, or the
   * drain timeout passed). The future completes, on any thread, when no reconcile of the slot's
   * keys runs any more; it never fails.
   */
  Future<Void> released(int slot, LeaderTerm term);
}
