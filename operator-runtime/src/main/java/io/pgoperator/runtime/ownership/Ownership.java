package io.pgoperator.runtime.ownership;

import io.pgoperator.runtime.leader.LeaderTerm;
import io.pgoperator.runtime.reconcile.Request;
import io.vertx.core.Future;

/**
 * Which keys this replica may reconcile now, and under which term. The key space is split into
 * {@link #slots()} fixed slots by a stable hash of the key; each slot is owned by at most one
 * replica at a time, under a {@link LeaderTerm} that fences every write made for its keys.
 *
 * <p>Two implementations: {@link SingleLeader} (one slot, owned by the leader of one Lease, or by
 * the only replica when leader election is off) and the sharded ring of {@code
 * io.pgoperator.runtime.shard}, where every replica owns a share of the slots.
 */
public interface Ownership {

  /** How many slots the key space is split into; 1 without sharding. */
  int slots();

  /** The slot of {@code key}, in {@code [0, slots())}; stable across replicas and restarts. */
  int slotOf(Request key);

  /** The term under which this replica owns {@code slot} now, or null when it does not. */
  LeaderTerm termFor(int slot);

  default LeaderTerm termFor(Request key) {
    return termFor(slotOf(key));
  }

  /**
   * The term that fences a write made outside any reconcile, or null when such writes are refused:
   * the leader's term with a single leader; always null when sharded (every write belongs to a key).
   */
  LeaderTerm termOutsideReconcile();

  /** Whether this replica owns at least one slot under a valid term. */
  default boolean ownsAny() {
    for (int slot = 0; slot < slots(); slot++) {
      LeaderTerm term = termFor(slot);
      if (term != null && term.isValid()) {
        return true;
      }
    }
    return false;
  }

  /** Registers a listener; it is told at once of the slots this replica owns already. */
  void addListener(OwnershipListener listener);

  /** Gives up every slot for good, handing them to other replicas where possible. Never fails. */
  Future<Void> release();

  /** Gives up every slot for good without writing anything (others take over on expiry). Never fails. */
  Future<Void> abandon();
}
