package io.pgoperator.runtime.leader;

import io.fabric8.kubernetes.api.model.Pod;
import io.pgoperator.runtime.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this replica last saw of the Lease, and when by its own monotonic clock: client-go's
 * observedTime rule. A held Lease may be taken once the record (resourceVersion included) has not
 * changed for its {@code leaseDurationSeconds} since this replica saw it change; the holder's
 * timestamps are never compared with the local wall clock. Also counts and logs holder changes.
 */
final class LeaseObservation {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseElector.class);

  private final String identity;
  private final String lease;
  private final Clock clock;
  private final ElectionMetrics metrics;
  private final LongUnaryOperator jitterMillis;
  private final long maxJitterMillis;
  private final int fallbackDurationSeconds;

  private boolean known;
  private LeaseRecord record;
  private long takeoverAtNanos;
  private long lastSeenNanos;
  private boolean seenAny;
  private String lastHolder = "";
  private volatile String holder = "";
  private Pod holderPod;

  LeaseObservation(LeaderElectionConfig config, Clock clock, ElectionMetrics metrics, LongUnaryOperator jitterMillis) {
    this.identity = config.identity();
    this.lease = config.namespace() + "/" + config.name();
    this.clock = clock;
    this.metrics = metrics;
    this.jitterMillis = jitterMillis;
    // Up to 10% of a retry period, so that standbys watching the same expiry do not all write at once.
    this.maxJitterMillis = config.retryPeriod().toMillis() / 10;
    this.fallbackDurationSeconds = config.leaseDurationSeconds();
  }

  /** Records what a read, write or watch event showed; null means the Lease does not exist. */
  void saw(LeaseRecord seen) {
    long now = clock.nanoTime();
    lastSeenNanos = now;
    // Unchanged (resourceVersion included) since last seen, even across a failed request that
    // made us forget: the wait goes on from when it last changed. Restarting it on every re-read
    // would let a flaky API server keep every standby waiting, with no leader at all.
    boolean unchanged = seenAny && Objects.equals(record, seen);
    known = true;
    if (unchanged) {
      return;
    }
    String newHolder = seen == null ? "" : seen.holderIdentity();
    if (!newHolder.isEmpty() && !newHolder.equals(lastHolder)) {
      if (seenAny) {
        metrics.holderChanged();
      }
      if (!newHolder.equals(identity)) {
        LOG.info("new leader observed for lease {}: {}", lease, newHolder);
      }
      lastHolder = newHolder;
    }
    seenAny = true;
    holder = newHolder;
    known = true;
    record = seen;
    // A holder that wrote no (or a nonsensical) duration gets ours: waiting longer is the safe side.
    Integer seconds = seen == null ? null : seen.leaseDurationSeconds();
    long durationNanos = Duration.ofSeconds(seconds != null && seconds > 0 ? seconds : fallbackDurationSeconds).toNanos();
    takeoverAtNanos = now + durationNanos + jitterMillis.applyAsLong(maxJitterMillis) * 1_000_000L;
  }

  /** The next decision must start from a fresh read (after a conflict or an error). */
  void forget() {
    known = false;
  }

  boolean known() {
    return known;
  }

  /** The Lease as last seen, or null if it did not exist. Meaningful only when {@link #known()}. */
  LeaseRecord record() {
    return record;
  }

  boolean heldByMe() {
    return record != null && record.heldBy(identity);
  }

  /**
   * Whether a standby may write now: no Lease, no holder, our own, expired by our clock, or its
   * holder's process reported gone by the kubelet.
   */
  boolean takeable(long nowNanos) {
    return record == null || !record.hasHolder() || record.heldBy(identity) || expired(nowNanos)
        || holderTerminated().isPresent();
  }

  /** Whether the record has stayed unchanged for its lease duration (plus jitter) by our clock. */
  boolean expired(long nowNanos) {
    return nowNanos - takeoverAtNanos >= 0;
  }

  /** The latest report on the Pod the holder runs in (null: none, or the Pod does not exist). */
  void sawHolderPod(Pod pod) {
    this.holderPod = pod;
  }

  /**
   * Why the holder of the Lease as last seen is known dead (see {@link HolderDeath}), or empty.
   * Only for a record held by someone else and known now.
   */
  Optional<String> holderTerminated() {
    if (!known || record == null || !record.hasHolder() || record.heldBy(identity)) {
      return Optional.empty();
    }
    return HolderDeath.of(record, holderPod);
  }

  long takeoverAtNanos() {
    return takeoverAtNanos;
  }

  long lastSeenNanos() {
    return lastSeenNanos;
  }

  /** The holder last seen, "" if none; readable from any thread. */
  String holder() {
    return holder;
  }
}
