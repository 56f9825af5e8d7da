package io.pgoperator.app.chaos;

import java.time.Duration;
import java.time.Instant;

/**
 * One fault the soak applied: what, to whom, when it started and was lifted, and when the system
 * had recovered (a valid Lease holder whose process runs; a probe PostgresCluster created right
 * after the lift reconciled). Instants stay null for what did not happen within the bound.
 */
final class FaultRecord {

  enum Kind {
    /** SIGKILL of the leader; restarted a few seconds later. Instantaneous: lifted = the signal. */
    SIGKILL,
    /** SIGTERM of the leader; restarted once it exits. Instantaneous: lifted = the signal. */
    SIGTERM,
    /** SIGSTOP of the leader for at least the lease duration, then SIGCONT (= lifted). */
    SIGSTOP,
    /** Every request of every replica held unanswered by the proxy, then reset on clear(). */
    BLACKHOLE,
    /** Every request of every replica answered 503 by the proxy. */
    STATUS_503,
    /** The proxy cuts every connection and accepts none. */
    OUTAGE
  }

  final int number;
  final Kind kind;
  final Instant start;
  /** Who: {@code replica-N#incarnation} for signals, {@code all replicas} for network faults. */
  volatile String target = "";
  volatile Instant lifted;
  volatile Instant leaderAt;
  volatile String leader = "";
  volatile String probe = "";
  volatile Instant probeReconciledAt;
  volatile String note = "";
  /** Lease-leaderless time within [start, recovered or lifted + bound]. */
  volatile Duration leaderless = Duration.ZERO;

  FaultRecord(int number, Kind kind, Instant start) {
    this.number = number;
    this.kind = kind;
    this.start = start;
  }

  /** Both conditions met; null if either was not within the bound (or the fault was skipped). */
  Instant recoveredAt() {
    if (leaderAt == null || probeReconciledAt == null) {
      return null;
    }
    return leaderAt.isAfter(probeReconciledAt) ? leaderAt : probeReconciledAt;
  }

  Duration held() {
    return lifted == null ? null : Duration.between(start, lifted);
  }

  static Long millis(Instant from, Instant to) {
    return from == null || to == null ? null : Duration.between(from, to).toMillis();
  }
}
