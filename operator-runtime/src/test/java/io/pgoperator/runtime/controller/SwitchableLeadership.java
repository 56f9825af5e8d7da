package io.pgoperator.runtime.controller;

import io.pgoperator.runtime.leader.LeaderTerm;
import io.pgoperator.runtime.leader.Leadership;
import io.pgoperator.runtime.leader.LeadershipListener;
import io.pgoperator.runtime.time.Clock;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Leadership a test hands out and takes back: each {@link #lead()} starts a new term. */
final class SwitchableLeadership implements Leadership {

  private final Clock clock;
  private final List<LeadershipListener> listeners = new CopyOnWriteArrayList<>();
  private volatile LeaderTerm term;
  private long terms;

  SwitchableLeadership(Clock clock) {
    this.clock = clock;
  }

  synchronized void lead() {
    LeaderTerm started = new LeaderTerm(++terms, clock, Long.MAX_VALUE);
    term = started;
    listeners.forEach(l -> l.startedLeading(started));
  }

  synchronized void stepDown() {
    LeaderTerm ended = term;
    if (ended != null) {
      term = null;
      ended.end();
      listeners.forEach(l -> l.stoppedLeading(ended));
    }
  }

  @Override
  public LeaderTerm currentTerm() {
    return term;
  }

  @Override
  public synchronized void addListener(LeadershipListener listener) {
    listeners.add(listener);
    if (term != null) {
      listener.startedLeading(term);
    }
  }

  @Override
  public Future<Void> release() {
    stepDown();
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> abandon() {
    return release();
  }
}
