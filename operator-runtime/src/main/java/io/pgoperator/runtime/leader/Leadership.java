package io.pgoperator.runtime.leader;

import io.vertx.core.Future;

/**
 * What controllers see of leader election: whether this replica leads now, under which term,
 * and callbacks on changes. Implemented by the Lease elector, and by {@link AlwaysLeader} when
 * leader election is off.
 */
public interface Leadership {

  /** The current term, or null when this replica does not lead. */
  LeaderTerm currentTerm();

  default boolean isLeader() {
    LeaderTerm term = currentTerm();
    return term != null && term.isValid();
  }

  /** Registers a listener; if this replica already leads, it is told at once. */
  void addListener(LeadershipListener listener);

  /**
   * Gives up leadership for good (shutdown): stops leading, releases the lock if held, and
   * completes when done. Never fails; problems are logged.
   */
  Future<Void> release();

  /**
   * Gives up leadership for good without writing to the lock: ends the term, tells listeners and
   * stops competing; standbys take over once the lock expires. For a process whose API server
   * goes away with it, where a release could only wait for a time-out. Never fails.
   */
  Future<Void> abandon();
}
