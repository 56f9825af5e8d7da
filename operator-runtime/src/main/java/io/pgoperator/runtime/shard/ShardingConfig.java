package io.pgoperator.runtime.shard;

import io.pgoperator.runtime.leader.LeaderElectionConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of the sharded ring, validated on construction.
 *
 * @param lease the namespace and timings of the member Leases (renewed like a leader's Lease), the
 *     ring's name (the leader election id: slot Leases are {@code <name>-slot-<s>-of-<S>}, member
 *     Leases {@code <name>-member-<identity>}) and this replica's identity, to which each
 *     membership adds a fresh suffix
 * @param slots how many slots the keys are split into; at most that many replicas share the work
 * @param drainTimeout how long a handoff waits for the slot's in-flight reconciles before it ends
 *     the slot's term anyway (their later writes are then refused)
 */
public record ShardingConfig(LeaderElectionConfig lease, int slots, Duration drainTimeout) {

  public static final int DEFAULT_SLOTS = 16;
  public static final int MAX_SLOTS = 256;
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
  /** A label value carries the ring's name. */
  static final int MAX_RING_NAME = 63;

  public ShardingConfig {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    if (slots < 1 || slots > MAX_SLOTS) {
      throw new IllegalArgumentException("--shards must be between 1 and " + MAX_SLOTS + ", got " + slots);
    }
    if (lease.name().length() > MAX_RING_NAME) {
      throw new IllegalArgumentException("--leader-election-id must be at most " + MAX_RING_NAME
          + " characters with --shards (it becomes a label value), got " + lease.name().length());
    }
    if (drainTimeout.isNegative()) {
      throw new IllegalArgumentException("--shard-drain-timeout must not be negative");
    }
  }

  public String namespace() {
    return lease.namespace();
  }

  public String ring() {
    return lease.name();
  }

  String slotLeaseName(int slot) {
    int width = String.valueOf(slots - 1).length();
    return ring() + "-slot-" + String.format(Locale.ROOT, "%0" + width + "d", slot) + "-of-" + slots;
  }

  String memberLeaseName(String identity) {
    return ring() + "-member-" + identity;
  }

  /**
   * The identity prefix as a Lease name allows it (lower-case letters, digits, '-' and '.'), short
   * enough to leave room for the ring's name and a suffix.
   */
  String identityPrefix() {
    String identity = lease.identity();
    // client-go's hostname_uuid: the host (pod) name is enough, each membership adds its own suffix.
    int underscore = identity.lastIndexOf('_');
    identity = underscore > 0 ? identity.substring(0, underscore) : identity;
    String cleaned = identity.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-")
        .replaceAll("^[^a-z0-9]+", "");
    int room = 253 - memberLeaseName("").length() - 6;
    cleaned = cleaned.length() > room ? cleaned.substring(0, room) : cleaned;
    cleaned = cleaned.replaceAll("[^a-z0-9]+$", "");
    return cleaned.isEmpty() ? "replica" : cleaned;
  }

  int leaseDurationSeconds() {
    Duration d = lease.leaseDuration();
    return (int) Math.min(Integer.MAX_VALUE, d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0));
  }
}
