package io.pgoperator.runtime.leader;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * Settings of one Lease election, validated on construction. The timing rule is client-go's:
 * {@code leaseDuration > renewDeadline > 1.2 × retryPeriod} (1.2 is its JitterFactor). A
 * standby waits {@code leaseDuration} after it last saw the Lease change before taking over,
 * and a leader stops acting {@code renewDeadline} after its last successful renew, so the gap
 * between the two is what keeps two replicas from leading at once.
 *
 * <p>The invariant that makes fenced writes safe: a write may leave until the term ends, so it
 * must be answered or abandoned within the gap, less an allowance for the two replicas' clocks
 * running at different rates: {@code leaseDuration − renewDeadline ≥ writeTimeout +
 * leaseDuration / 50} (a 2% rate difference, far above what NTP-disciplined or even free-running
 * quartz clocks show). {@link #writeTimeout()} is chosen so, and timings that leave a write less
 * than {@link #MIN_WRITE_TIMEOUT} are refused.
 *
 * @param namespace namespace of the Lease
 * @param name name of the Lease (also the {@code name} label of the metrics)
 * @param identity this replica's holder identity, unique per process
 * @param leaseDuration how long standbys wait on an unchanged Lease; written rounded up to seconds
 * @param renewDeadline how long the leader keeps acting without a successful renew
 * @param retryPeriod how often the leader renews and standbys poll
 * @param releaseOnCancel whether {@link Leadership#release()} clears the Lease for a fast handover
 * @param exitOnLostLeadership whether losing leadership ends the process (through the elector's
 *     exit callback) instead of returning to standby
 * @param pod the Pod and container this process runs in, written on the Lease so standbys can take
 *     over as soon as the kubelet reports this process gone; null when unknown (outside a Pod)
 */
public record LeaderElectionConfig(
    String namespace,
    String name,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    boolean releaseOnCancel,
    boolean exitOnLostLeadership,
    HolderPod pod) {

  /** client-go's JitterFactor: the renew loop may run up to 1.2 retry periods apart. */
  static final double JITTER_FACTOR = 1.2;

  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(15);
  public static final Duration DEFAULT_RENEW_DEADLINE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_RETRY_PERIOD = Duration.ofSeconds(2);
  /** The least time a write request may have before it is abandoned. */
  public static final Duration MIN_WRITE_TIMEOUT = Duration.ofMillis(200);
  /**
   * How long past the renew deadline a holder may go unrenewed before its liveness check fails:
   * its deadline timer would have ended the term long before, so its event loop must be stuck.
   */
  public static final Duration LIVENESS_GRACE = Duration.ofSeconds(20);
  /** The most, even with a wide gap: fabric8's default request timeout. */
  public static final Duration MAX_WRITE_TIMEOUT = Duration.ofSeconds(10);

  public LeaderElectionConfig {
    requireText(namespace, "lease namespace");
    requireText(name, "lease name");
    requireText(identity, "holder identity");
    Objects.requireNonNull(leaseDuration, "leaseDuration");
    Objects.requireNonNull(renewDeadline, "renewDeadline");
    Objects.requireNonNull(retryPeriod, "retryPeriod");
    validateTimings(leaseDuration, renewDeadline, retryPeriod);
  }

  /**
   * client-go's defaults (15 s / 10 s / 2 s), release on cancel, no exit, a fresh identity, and
   * the Pod from the environment ({@link HolderPod#fromEnvironment()}).
   */
  public static LeaderElectionConfig of(String namespace, String name) {
    return new LeaderElectionConfig(namespace, name, defaultIdentity(), DEFAULT_LEASE_DURATION,
        DEFAULT_RENEW_DEADLINE, DEFAULT_RETRY_PERIOD, true, false, HolderPod.fromEnvironment().orElse(null));
  }

  public LeaderElectionConfig withPod(HolderPod pod) {
    return new LeaderElectionConfig(namespace, name, identity, leaseDuration, renewDeadline, retryPeriod,
        releaseOnCancel, exitOnLostLeadership, pod);
  }

  public LeaderElectionConfig withIdentity(String identity) {
    return new LeaderElectionConfig(namespace, name, identity, leaseDuration, renewDeadline, retryPeriod,
        releaseOnCancel, exitOnLostLeadership, pod);
  }

  public LeaderElectionConfig withTimings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    return new LeaderElectionConfig(namespace, name, identity, leaseDuration, renewDeadline, retryPeriod,
        releaseOnCancel, exitOnLostLeadership, pod);
  }

  public LeaderElectionConfig withReleaseOnCancel(boolean releaseOnCancel) {
    return new LeaderElectionConfig(namespace, name, identity, leaseDuration, renewDeadline, retryPeriod,
        releaseOnCancel, exitOnLostLeadership, pod);
  }

  public LeaderElectionConfig withExitOnLostLeadership(boolean exitOnLostLeadership) {
    return new LeaderElectionConfig(namespace, name, identity, leaseDuration, renewDeadline, retryPeriod,
        releaseOnCancel, exitOnLostLeadership, pod);
  }

  /**
   * client-go's convention {@code hostname_uuid}: the pod name (env {@code POD_NAME}, else the
   * host name) tells people which pod leads; the random suffix keeps a restarted pod with the same
   * name from mistaking its predecessor's Lease for its own.
   */
  public static String defaultIdentity() {
    String host = System.getenv("POD_NAME");
    if (host == null || host.isBlank()) {
      host = System.getenv("HOSTNAME");
    }
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        host = "unknown";
      }
    }
    return host + "_" + UUID.randomUUID();
  }

  /**
   * How long a Lease request may take before the elector abandons it (and the client drops it):
   * long enough for a slow API server, short enough to leave a leader a second try before its
   * renew deadline.
   */
  public Duration leaseRequestTimeout() {
    return retryPeriod.compareTo(renewDeadline.dividedBy(2)) > 0 ? retryPeriod : renewDeadline.dividedBy(2);
  }

  /**
   * How long a fenced write request may take before it is abandoned: the gap between lease
   * duration and renew deadline, less the clock-rate allowance (see the class comment), at most
   * {@link #MAX_WRITE_TIMEOUT}. 4.7 s with the defaults.
   */
  public Duration writeTimeout() {
    return writeTimeout(leaseDuration, renewDeadline);
  }

  private static Duration writeTimeout(Duration leaseDuration, Duration renewDeadline) {
    Duration window = leaseDuration.minus(renewDeadline).minus(leaseDuration.dividedBy(50));
    return window.compareTo(MAX_WRITE_TIMEOUT) > 0 ? MAX_WRITE_TIMEOUT : window;
  }

  /**
   * The value written to {@code spec.leaseDurationSeconds}, rounded up: client-go truncates, which
   * for a fractional lease duration could drop the written value below the renew deadline.
   */
  int leaseDurationSeconds() {
    long seconds = leaseDuration.toSeconds() + (leaseDuration.toNanosPart() > 0 ? 1 : 0);
    return (int) Math.min(Integer.MAX_VALUE, seconds);
  }

  @Override
  public String toString() {
    return "lease " + namespace + "/" + name + " as " + identity + " (lease-duration " + leaseDuration.toMillis()
        + "ms, renew-deadline " + renewDeadline.toMillis() + "ms, retry-period " + retryPeriod.toMillis() + "ms"
        + (pod == null ? ", pod unknown: a crashed leader is taken over at lease expiry" : ", pod " + pod) + ")";
  }

  private static void validateTimings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    String values = "--lease-duration=" + human(leaseDuration) + ", --renew-deadline=" + human(renewDeadline)
        + ", --retry-period=" + human(retryPeriod);
    if (retryPeriod.isNegative() || retryPeriod.isZero()) {
      throw new IllegalArgumentException("invalid leader election timing: --retry-period must be positive (" + values + ")");
    }
    if (leaseDuration.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("invalid leader election timing: --lease-duration must be at least 1s,"
          + " the Lease stores whole seconds (" + values + ")");
    }
    if (leaseDuration.compareTo(renewDeadline) <= 0) {
      throw new IllegalArgumentException("invalid leader election timing: --lease-duration must be greater than"
          + " --renew-deadline, or a standby could take over while the leader still acts (" + values + ")");
    }
    if (writeTimeout(leaseDuration, renewDeadline).compareTo(MIN_WRITE_TIMEOUT) < 0) {
      throw new IllegalArgumentException("invalid leader election timing: --lease-duration minus --renew-deadline"
          + " must leave a write at least " + human(MIN_WRITE_TIMEOUT) + " beyond a 2% clock allowance ("
          + human(leaseDuration.dividedBy(50)) + "): a write sent at the end of a term must be answered or"
          + " abandoned before a standby may take over (" + values + ")");
    }
    if (renewDeadline.toNanos() <= JITTER_FACTOR * retryPeriod.toNanos()) {
      throw new IllegalArgumentException("invalid leader election timing: --renew-deadline must be greater than"
          + " 1.2 x --retry-period (" + human(Duration.ofNanos((long) (JITTER_FACTOR * retryPeriod.toNanos())))
          + "), or the leader could lose the lease between two renew attempts (" + values + ")");
    }
  }

  private static String human(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
  }

  private static void requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("leader election: " + what + " must not be empty");
    }
  }
}
