package io.pgoperator.runtime.shard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ring's metrics, named like controller-runtime's families ({@code controller_sharding_*},
 * label {@code name} = the ring, as {@code leader_election_master_status{name}}):
 * <ul>
 *   <li>{@code controller_sharding_slots} — how many slots the keys are split into;
 *   <li>{@code controller_sharding_slots_owned} — slots this replica owns under a valid term (summed
 *       over replicas it must not exceed the slots);
 *   <li>{@code controller_sharding_slots_unowned} — slots whose Lease names no live member, as this
 *       replica sees them;
 *   <li>{@code controller_sharding_members{state=live|expired}} — member Leases as this replica sees
 *       them (expired: not renewed for a lease duration, not yet reaped);
 *   <li>{@code controller_sharding_blocked} — 1 while a live single leader, or a member with another
 *       slot count, keeps this replica from owning anything;
 *   <li>{@code controller_sharding_slot_transitions_total{reason}} — slots this replica acquired
 *       (claim, takeover, fallback, handoff), handed off (rebalance, leave, blocked) or lost;
 *   <li>{@code controller_sharding_slot_unowned_seconds} — for each slot acquired, how long it had
 *       been without an owner (the failover time of its keys);
 *   <li>{@code controller_sharding_drain_seconds} — how long each handoff waited for reconciles;
 *   <li>{@code controller_sharding_members_reaped_total}, {@code
 *       controller_sharding_membership_lost_total}.
 * </ul>
 */
final class ShardingMetrics {

  private static final double[] SECONDS_BUCKETS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
      15, 20, 30, 60};

  private final MeterRegistry registry;
  private final String name;
  private final Map<String, Counter> transitions = new ConcurrentHashMap<>();
  private final DistributionSummary unowned;
  private final DistributionSummary drain;
  private final Counter reaped;
  private final Counter membershipLost;
  private volatile int owned;
  private volatile int unownedSlots;
  private volatile int live;
  private volatile int expired;
  private volatile boolean blocked;

  ShardingMetrics(MeterRegistry registry, String name, int slots) {
    this.registry = registry;
    this.name = name;
    // Nothing reported as unowned until this replica has listed the ring's Leases: a replica still
    // syncing its caches must not make PgOperatorSlotsUnowned fire while the others own every slot.
    Gauge.builder("controller_sharding_slots", () -> slots).description("Slots the keys are split into")
        .tag("name", name).register(registry);
    Gauge.builder("controller_sharding_slots_owned", () -> owned)
        .description("Slots this replica owns under a valid term").tag("name", name).register(registry);
    Gauge.builder("controller_sharding_slots_unowned", () -> unownedSlots)
        .description("Slots whose Lease names no live member, as this replica sees them").tag("name", name)
        .register(registry);
    Gauge.builder("controller_sharding_members", () -> live).description("Member Leases as this replica sees them")
        .tags("name", name, "state", "live").register(registry);
    Gauge.builder("controller_sharding_members", () -> expired)
        .description("Member Leases as this replica sees them").tags("name", name, "state", "expired")
        .register(registry);
    Gauge.builder("controller_sharding_blocked", () -> blocked ? 1 : 0)
        .description("1 while a single leader or a member with another slot count keeps this replica from owning slots")
        .tag("name", name).register(registry);
    for (String reason : new String[] {"claim", "takeover", "fallback", "handoff", "rebalance", "leave", "blocked",
        "lost"}) {
      transition(reason);
    }
    unowned = seconds("controller_sharding_slot_unowned_seconds",
        "How long each slot this replica acquired had been without an owner");
    drain = seconds("controller_sharding_drain_seconds", "How long each handoff waited for the slot's reconciles");
    reaped = Counter.builder("controller_sharding_members_reaped").description("Expired member Leases this replica reaped")
        .tag("name", name).register(registry);
    membershipLost = Counter.builder("controller_sharding_membership_lost")
        .description("Times this replica lost its membership (and every slot) and rejoined").tag("name", name)
        .register(registry);
  }

  private DistributionSummary seconds(String metric, String description) {
    return DistributionSummary.builder(metric).description(description).baseUnit("seconds").tag("name", name)
        .serviceLevelObjectives(SECONDS_BUCKETS).register(registry);
  }

  private Counter transition(String reason) {
    return transitions.computeIfAbsent(reason, r -> Counter.builder("controller_sharding_slot_transitions")
        .description("Slots this replica acquired, handed off or lost, by reason").tags("name", name, "reason", r)
        .register(registry));
  }

  void report(int owned, int unowned, int live, int expired, boolean blocked) {
    this.owned = owned;
    this.unownedSlots = unowned;
    this.live = live;
    this.expired = expired;
    this.blocked = blocked;
  }

  void acquired(String reason, long unownedNanos) {
    transition(reason).increment();
    unowned.record(unownedNanos / 1e9);
  }

  void handedOff(String reason) {
    transition(reason).increment();
  }

  void lost() {
    transition("lost").increment();
  }

  void drained(long nanos) {
    drain.record(nanos / 1e9);
  }

  void reaped() {
    reaped.increment();
  }

  void membershipLost() {
    membershipLost.increment();
  }
}
