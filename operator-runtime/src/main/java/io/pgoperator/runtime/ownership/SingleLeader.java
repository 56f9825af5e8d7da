package io.pgoperator.runtime.ownership;

import io.pgoperator.runtime.leader.LeaderTerm;
import io.pgoperator.runtime.leader.Leadership;
import io.pgoperator.runtime.leader.LeadershipListener;
import io.pgoperator.runtime.reconcile.Request;
import io.vertx.core.Future;

/** One slot holding every key, owned under the leader's term: ownership without sharding. */
public final class SingleLeader implements Ownership {

  private final Leadership leadership;

  public SingleLeader(Leadership leadership) {
    this.leadership = leadership;
  }

  public Leadership leadership() {
    return leadership;
  }

  @Override
  public int slots() {
    return 1;
  }

  @Override
  public int slotOf(Request key) {
    return 0;
  }

  @Override
  public LeaderTerm termFor(int slot) {
    return leadership.currentTerm();
  }

  @Override
  public LeaderTerm termOutsideReconcile() {
    return leadership.currentTerm();
  }

  @Override
  public boolean ownsAny() {
    return leadership.isLeader();
  }

  @Override
  public void addListener(OwnershipListener listener) {
    leadership.addListener(new LeadershipListener() {
      @Override
      public void startedLeading(LeaderTerm term) {
        listener.acquired(0, term);
      }

      @Override
      public void stoppedLeading(LeaderTerm term) {
        listener.released(0, term);
      }
    });
  }

  @Override
  public Future<Void> release() {
    return leadership.release();
  }

  @Override
  public Future<Void> abandon() {
    return leadership.abandon();
  }
}
