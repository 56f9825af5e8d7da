package io.pgoperator.runtime.shard;

import io.pgoperator.runtime.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one replica sees of the ring's Leases, and when each last changed by its own monotonic
 * clock (client-go's observedTime rule: a Lease is judged expired a lease duration after this
 * replica saw it change, never by the writer's timestamps). The queries the ring decides from:
 * which members are live, whether a slot is free, whether another mode runs beside the ring.
 * Confined to the ring's context.
 */
final class RingView {

  /** A Lease as last seen, and when it last changed by this replica's monotonic clock. */
  record Seen(RingLease lease, long changedAtNanos) {}

  private final ShardingConfig config;
  private final Clock clock;
  private final long leaseNanos;
  private final Map<String, Seen> leases = new HashMap<>();
  /** Slot holders whose member Lease is not there, and since when. */
  private final Map<String, Long> missingSince = new HashMap<>();
  /** Identities whose member Lease was seen cleared (their terms ended for good), and when. */
  private final Map<String, Long> endedMembers = new HashMap<>();

  RingView(ShardingConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.leaseNanos = config.lease().leaseDuration().toNanos();
  }

  /**
   * Whether a watch event or a listing is older than what this view holds: a slot's term number
   * only grows, and a cleared member Lease stays cleared; watch events may trail the answer to our
   * own write, and a listing may trail the watch.
   */
  boolean isStale(RingLease lease) {
    Seen before = leases.get(lease.name());
    if (before == null) {
      return false;
    }
    if (lease.isSlot()) {
      return lease.transitions() < before.lease().transitions();
    }
    // A member Lease once cleared is never held again (identities are never reused).
    return lease.isMember() && !before.lease().hasHolder() && lease.hasHolder();
  }

  /** Records what a write's answer, a read or a watch event showed; whether it changed anything. */
  boolean record(RingLease lease) {
    Seen before = leases.get(lease.name());
    if (before != null && before.lease().equals(lease)) {
      return false;
    }
    leases.put(lease.name(), new Seen(lease, clock.nanoTime()));
    if (lease.isMember() && lease.hasHolder()) {
      missingSince.remove(lease.holder());
    }
    String prefix = config.memberLeaseName("");
    if (lease.isMember() && !lease.hasHolder() && lease.name().startsWith(prefix)) {
      endedMembers.putIfAbsent(lease.name().substring(prefix.length()), clock.nanoTime());
    }
    return true;
  }

  /** The Lease is gone; whether this view had it. */
  boolean remove(String name) {
    return leases.remove(name) != null;
  }

  Seen get(String name) {
    return leases.get(name);
  }

  Seen slot(int slot) {
    return leases.get(config.slotLeaseName(slot));
  }

  /** The names of the ring's own Leases seen (members and slots; not the single-leader Lease). */
  Set<String> ringLeaseNames() {
    Set<String> names = new HashSet<>();
    for (Seen seen : leases.values()) {
      if (seen.lease().isMember() || seen.lease().isSlot()) {
        names.add(seen.lease().name());
      }
    }
    return names;
  }

  /** The member Leases seen, in no order. */
  List<Seen> members() {
    List<Seen> members = new ArrayList<>();
    for (Seen seen : leases.values()) {
      if (seen.lease().isMember()) {
        members.add(seen);
      }
    }
    return members;
  }

  /** Changed within its lease duration (at least ours) by this replica's clock. */
  boolean live(Seen seen, long now) {
    int seconds = seen.lease().durationSeconds();
    long duration = seconds > 0 ? Duration.ofSeconds(seconds).toNanos() : leaseNanos;
    return now - seen.changedAtNanos() < Math.max(duration, leaseNanos);
  }

  /** Whether the watch has shown {@code holder}'s member Lease (now, or cleared before it went). */
  boolean knowsMember(String holder) {
    return leases.containsKey(config.memberLeaseName(holder)) || endedMembers.containsKey(holder);
  }

  /**
   * The other members that count for the assignment: holding their Lease, live, not leaving, and
   * splitting the keys into as many slots as we do.
   */
  Set<String> liveMembers(long now) {
    Set<String> live = new TreeSet<>();
    for (Seen seen : leases.values()) {
      RingLease lease = seen.lease();
      if (lease.isMember() && lease.hasHolder() && lease.advertisedSlots() == config.slots() && live(seen, now)
          && !lease.leaving() && lease.name().equals(config.memberLeaseName(lease.holder()))) {
        live.add(lease.holder());
      }
    }
    return live;
  }

  /** Whether a slot Lease held by someone else may be claimed. */
  boolean free(RingLease record, long now) {
    if (record == null || !record.hasHolder()) {
      return true;
    }
    Seen holderLease = leases.get(config.memberLeaseName(record.holder()));
    if (holderLease == null && endedMembers.containsKey(record.holder())) {
      // Seen cleared before it was deleted (it left, or was reaped): its terms ended for good, as below.
      return true;
    }
    if (holderLease == null) {
      // Events of one watch arrive in order, so a member Lease created before the slot was claimed
      // would have been seen: it was deleted. By hand, it may be renewed no more while its holder
      // still acts until its renew deadline: wait a lease duration.
      long since = missingSince.computeIfAbsent(record.holder(), h -> now);
      return now - since >= leaseNanos;
    }
    return !holderLease.lease().hasHolder();
  }

  /**
   * Why the ring must not run now, or null: a live single leader (a Lease named like the ring,
   * held by a replica without --shards), or a live member splitting the keys differently.
   */
  String modeConflict(long now, String self) {
    Seen leader = leases.get(config.ring());
    if (leader != null && leader.lease().hasHolder() && live(leader, now)) {
      return "a single leader ('" + leader.lease().holder() + "') holds lease " + config.namespace() + "/"
          + config.ring() + ": this replica runs sharded only once it is gone";
    }
    for (Seen seen : leases.values()) {
      RingLease lease = seen.lease();
      if (lease.isMember() && lease.hasHolder() && !lease.holder().equals(self) && live(seen, now)
          && lease.advertisedSlots() != config.slots()) {
        return "member '" + lease.holder() + "' splits the keys into " + lease.advertisedSlots()
            + " slots, this replica into " + config.slots() + ": every replica must run with the same --shards";
      }
    }
    return null;
  }

  /** Slots whose Lease names no member of {@code live}. */
  int unowned(Set<String> live) {
    int unowned = 0;
    for (int slot = 0; slot < config.slots(); slot++) {
      Seen seen = slot(slot);
      if (seen == null || !seen.lease().hasHolder() || !live.contains(seen.lease().holder())) {
        unowned++;
      }
    }
    return unowned;
  }

  /** Member Leases of others still held but not renewed for a lease duration (not yet reaped). */
  int expiredMembers(long now, String self) {
    int expired = 0;
    for (Seen seen : leases.values()) {
      if (seen.lease().isMember() && seen.lease().hasHolder() && !seen.lease().holder().equals(self)
          && !live(seen, now)) {
        expired++;
      }
    }
    return expired;
  }

  /** Forgets what no slot refers to any more (bounded memory over many memberships). */
  void forgetUnreferenced(long now) {
    Set<String> holders = new HashSet<>();
    for (int slot = 0; slot < config.slots(); slot++) {
      Seen seen = slot(slot);
      if (seen != null) {
        holders.add(seen.lease().holder());
      }
    }
    missingSince.keySet().retainAll(holders);
    endedMembers.entrySet().removeIf(e -> !holders.contains(e.getKey()) && now - e.getValue() >= 2 * leaseNanos);
  }
}
