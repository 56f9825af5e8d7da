package io.pgoperator.runtime.controller;

import io.pgoperator.runtime.leader.LeaderTerm;
import io.pgoperator.runtime.ownership.Ownership;
import io.pgoperator.runtime.ownership.OwnershipListener;
import io.pgoperator.runtime.reconcile.Request;
import io.pgoperator.runtime.time.Clock;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Two slots a test hands out and takes back: names starting with "a" are slot 0, all others slot 1. */
final class SlotOwnership implements Ownership {

  private final Clock clock;
  private final List<OwnershipListener> listeners = new CopyOnWriteArrayList<>();
  private final LeaderTerm[] terms = new LeaderTerm[2];
  private long numbers;

  SlotOwnership(Clock clock) {
    this.clock = clock;
  }

  synchronized void acquire(int slot) {
    LeaderTerm term = new LeaderTerm(++numbers, clock, Long.MAX_VALUE);
    terms[slot] = term;
    listeners.forEach(l -> l.acquired(slot, term));
  }

  /** Takes the slot back; the future completes once its reconciles have finished. The term ends after. */
  synchronized Future<Void> release(int slot) {
    LeaderTerm term = terms[slot];
    terms[slot] = null;
    return Future.join(listeners.stream().map(l -> l.released(slot, term)).toList())
        .<Void>mapEmpty()
        .andThen(done -> term.end());
  }

  @Override
  public int slots() {
    return 2;
  }

  @Override
  public int slotOf(Request key) {
    return key.name().startsWith("a") ? 0 : 1;
  }

  @Override
  public synchronized LeaderTerm termFor(int slot) {
    return terms[slot];
  }

  @Override
  public LeaderTerm termOutsideReconcile() {
    return null;
  }

  @Override
  public synchronized void addListener(OwnershipListener listener) {
    listeners.add(listener);
  }

  @Override
  public Future<Void> release() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> abandon() {
    return Future.succeededFuture();
  }
}
