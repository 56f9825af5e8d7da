package io.pgoperator.runtime.leader;

import io.pgoperator.runtime.time.Clock;

/**
 * One uninterrupted period of leadership, the fencing token for writes. It is valid while the
 * elector has renewed within the renew deadline, measured on this replica's monotonic clock, and
 * has not ended. A term never becomes valid again once it ends: a replica that wins again gets a
 * new term, so work started under an old term cannot write under the new one.
 *
 * <p>A term may also be held <em>within</em> another (a shard's term within its owner's
 * membership term, see {@link #within(long)}): it is valid only while that one is, and never
 * outlives it.
 *
 * <p>Read from any thread (workers check it right before a write); written only by the elector.
 */
public final class LeaderTerm {

  private final long number;
  private final Clock clock;
  private final LeaderTerm parent;
  private final String description;
  private volatile long validUntilNanos;
  private volatile boolean ended;

  public LeaderTerm(long number, Clock clock, long validUntilNanos) {
    this(number, clock, validUntilNanos, null, "term " + number);
  }

  private LeaderTerm(long number, Clock clock, long validUntilNanos, LeaderTerm parent, String description) {
    this.number = number;
    this.clock = clock;
    this.validUntilNanos = validUntilNanos;
    this.parent = parent;
    this.description = description;
  }

  /**
   * A term held within this one: valid while this one is and it has not ended itself; its
   * deadline is this one's. Ending this one ends it too (it is never valid again).
   */
  public LeaderTerm within(long number, String description) {
    return new LeaderTerm(number, clock, Long.MAX_VALUE, this, description);
  }

  /** A term that never expires: single-replica mode without leader election. */
  public static LeaderTerm unbounded(Clock clock) {
    return new LeaderTerm(0, clock, Long.MAX_VALUE);
  }

  public long number() {
    return number;
  }

  public boolean isValid() {
    if (ended) {
      return false;
    }
    return parent != null ? parent.isValid() : clock.nanoTime() - validUntilNanos < 0;
  }

  /**
   * Time left until this term's deadline if it is not renewed again: what a request sent now may
   * take at most. Zero once the term is not valid; {@code Long.MAX_VALUE} for an unbounded term.
   */
  public long remainingNanos() {
    if (ended) {
      return 0;
    }
    if (parent != null) {
      return parent.remainingNanos();
    }
    long until = validUntilNanos;
    if (until == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    return Math.max(0, until - clock.nanoTime());
  }

  /** Called by the elector after each successful renew. */
  public void extendUntil(long nanos) {
    if (!ended) {
      validUntilNanos = nanos;
    }
  }

  public void end() {
    ended = true;
  }

  @Override
  public String toString() {
    return description;
  }
}
