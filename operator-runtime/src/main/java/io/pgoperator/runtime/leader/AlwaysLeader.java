package io.pgoperator.runtime.leader;

import io.pgoperator.runtime.time.Clock;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/** Leadership without election: a single replica leads from start to shutdown. */
public final class AlwaysLeader implements Leadership {

  private final LeaderTerm term;
  private final List<LeadershipListener> listeners = new ArrayList<>();
  private boolean released;

  public AlwaysLeader(Clock clock) {
    this.term = LeaderTerm.unbounded(clock);
  }

  @Override
  public LeaderTerm currentTerm() {
    return released ? null : term;
  }

  @Override
  public void addListener(LeadershipListener listener) {
    listeners.add(listener);
    if (!released) {
      listener.startedLeading(term);
    }
  }

  /** There is no lock: the same as {@link #release()}. */
  @Override
  public Future<Void> abandon() {
    return release();
  }

  @Override
  public Future<Void> release() {
    if (!released) {
      released = true;
      term.end();
      listeners.forEach(l -> l.stoppedLeading(term));
    }
    return Future.succeededFuture();
  }
}
