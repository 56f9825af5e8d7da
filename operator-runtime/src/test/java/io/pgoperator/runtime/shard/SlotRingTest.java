package io.pgoperator.runtime.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.runtime.leader.LeaderTerm;
import io.pgoperator.runtime.shard.RingSim.Replica;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ring's rules one at a time, with 5 ms one-way latency and client-go's timings; {@link
 * RingSim} checks after every step that no slot ever has two valid terms.
 */
class SlotRingTest {

  private final RingSim sim = new RingSim(42);

  @Test
  void aSingleReplicaClaimsEverySlot() {
    Replica a = sim.start("a");
    sim.advance(5_000);
    assertThat(a.owned()).isEqualTo(16);
    assertThat(a.ring.blockedReason()).isNull();
    for (int slot = 0; slot < 16; slot++) {
      RingLease lease = sim.server.get(slotLease(slot));
      assertThat(lease.holder()).isEqualTo(a.ring.identity());
      assertThat(lease.transitions()).isEqualTo((int) a.ring.termFor(slot).number());
    }
  }

  @Test
  void aSecondReplicaGetsItsShareByHandoffWithoutOverlap() {
    Replica a = sim.start("a");
    sim.advance(5_000);
    Replica b = sim.start("b");
    sim.advance(6_000);
    assertThat(a.owned()).isEqualTo(8);
    assertThat(b.owned()).isEqualTo(8);
    String[] desired = SlotAssignment.assign(16, List.of(a.ring.identity(), b.ring.identity()));
    for (int slot = 0; slot < 16; slot++) {
      assertThat(sim.owners(slot)).extracting(r -> r.ring.identity()).containsExactly(desired[slot]);
    }
    assertThat(b.heard).as("b got each slot by handoff from a").hasSize(8);
    assertThat(sim.violation()).isNull();
  }

  @Test
  void aGracefulLeaveHandsSlotsOffWithinMilliseconds() {
    Replica a = sim.start("a");
    sim.advance(5_000);
    Replica b = sim.start("b");
    sim.advance(6_000);
    List<Integer> bSlots = slotsOf(b);
    long leftAt = sim.clock.nanoTime();
    b.onRing(b.ring::leave);
    sim.advance(100);
    assertThat(a.owned()).as("a took b's slots 100 ms after b began to leave").isEqualTo(16);
    assertThat(sim.clock.nanoTime() - leftAt).isLessThan(RingSim.RENEW.toNanos());
    for (int slot : bSlots) {
      assertThat(a.ring.termFor(slot).number()).isEqualTo(sim.server.get(slotLease(slot)).transitions());
    }
    assertThat(sim.server.snapshot().keySet()).as("b's member Lease is gone")
        .noneMatch(name -> name.contains("-member-b-"));
  }

  @Test
  void slotsHandedToAMemberWhoseWatchStalledAreSeenThroughTheListing() {
    Replica a = sim.start("a");
    sim.advance(5_000);
    Replica b = sim.start("b");
    sim.advance(6_000);
    // a's watch stalls: nothing it is sent arrives for two minutes; its requests still work.
    a.api.watchLagMillis = 120_000;
    long leftAt = sim.clock.nanoTime();
    b.onRing(b.ring::leave);
    while (a.owned() < 16) {
      sim.advance(100);
      assertThat(sim.clock.nanoTime() - leftAt).as("a saw b's handoffs through its periodic listing")
          .isLessThan(6 * RingSim.RETRY.toNanos());
    }
    assertThat(sim.violation()).isNull();
  }

  @Test
  void aCrashedMembersSlotsAreTakenOnlyAfterItsLeaseExpiredAndWasReaped() {
    Replica a = sim.start("a");
    sim.advance(5_000);
    Replica b = sim.start("b");
    sim.advance(6_000);
    List<Integer> bSlots = slotsOf(b);
    String bMember = RingSim.RING + "-member-" + b.ring.identity();
    long crashedAt = sim.clock.nanoTime();
    b.clock.crash();
    b.crashed = true;
    while (a.owned() < 16) {
      sim.advance(10);
      for (int slot : bSlots) {
        if (a.owns(slot)) {
          assertThat(sim.server.get(bMember).holder()).as("reaped before slot %d was taken", slot).isEmpty();
        }
      }
      assertThat(sim.clock.nanoTime() - crashedAt).isLessThan(30_000_000_000L);
    }
    long takenAfter = sim.clock.nanoTime() - crashedAt;
    // b renewed at most a retry period before the crash; a waits a lease duration after seeing it.
    assertThat(takenAfter).isGreaterThanOrEqualTo(RingSim.LEASE.minus(RingSim.RETRY).toNanos())
        .isLessThan(RingSim.LEASE.plus(RingSim.RETRY).toNanos());
  }

  @Test
  void aCrashedMemberReportedTerminatedByTheKubeletIsReapedWithoutWaitingForItsLeaseToExpire() {
    Replica a = sim.start("a");
    sim.advance(5_000);
    Replica b = sim.start("b");
    sim.advance(6_000);
    assertThat(slotsOf(b)).isNotEmpty();
    String bMember = RingSim.RING + "-member-" + b.ring.identity();
    long crashedAt = sim.clock.nanoTime();
    b.clock.crash();
    b.crashed = true;
    b.dead = true;
    sim.advance(100);
    sim.kubelet.reportTerminated("b", sim.clock.wallTime());
    while (a.owned() < 16) {
      sim.advance(10);
      assertThat(sim.clock.nanoTime() - crashedAt).as("taken before b's Lease would have expired")
          .isLessThan(RingSim.LEASE.minus(RingSim.RETRY).toNanos());
    }
    assertThat(sim.server.get(bMember).holder()).as("b's member Lease reaped").isEmpty();
    assertThat(sim.violation()).isNull();
  }

  @Test
  void aTerminationReportedBeforeTheMemberJoinedIsAnEarlierProcessAndNoVerdict() {
    Replica a = sim.start("a");
    sim.advance(5_000);
    java.time.Instant beforeJoin = sim.clock.wallTime();
    sim.advance(2_000);
    Replica b = sim.start("b");
    sim.advance(6_000);
    long pausedAt = sim.clock.nanoTime();
    b.clock.crash();
    b.crashed = true;
    sim.kubelet.reportTerminated("b", beforeJoin);
    while (a.owned() < 16) {
      sim.advance(10);
    }
    assertThat(sim.clock.nanoTime() - pausedAt).as("taken only after b's Lease expired")
        .isGreaterThanOrEqualTo(RingSim.LEASE.minus(RingSim.RETRY).toNanos());
  }

  @Test
  void aMemberPausedBeyondItsRenewDeadlineLosesEverySlotAndRejoinsUnderANewIdentity() {
    Replica a = sim.start("a");
    sim.advance(5_000);
    Replica b = sim.start("b");
    sim.advance(6_000);
    List<Integer> bSlots = slotsOf(b);
    String oldIdentity = b.ring.identity();
    Map<Integer, LeaderTerm> bTerms = new java.util.HashMap<>();
    bSlots.forEach(slot -> bTerms.put(slot, b.ring.termFor(slot)));
    b.clock.pause();
    long firstTakeover = -1;
    for (int i = 0; i < 2_000 && firstTakeover < 0; i++) {
      sim.advance(10);
      for (int slot : bSlots) {
        if (a.owns(slot)) {
          firstTakeover = sim.clock.nanoTime();
          assertThat(bTerms.values()).as("b's terms expired before a's began").noneMatch(LeaderTerm::isValid);
        }
      }
    }
    assertThat(firstTakeover).as("a took over while b was paused").isPositive();
    sim.advance(5_000);
    b.clock.resume();
    sim.advance(20_000);
    assertThat(b.ring.identity()).as("b rejoined under a new identity").isNotNull().isNotEqualTo(oldIdentity);
    assertThat(a.owned()).isEqualTo(8);
    assertThat(b.owned()).isEqualTo(8);
    assertThat(sim.server.get(RingSim.RING + "-member-" + oldIdentity)).satisfiesAnyOf(
        lease -> assertThat(lease).isNull(), lease -> assertThat(lease.holder()).isEmpty());
  }

  @Test
  void aLiveSingleLeaderBlocksClaimsAndOwnedSlotsAreGivenUp() {
    Replica a = sim.start("a");
    sim.advance(5_000);
    assertThat(a.owned()).isEqualTo(16);
    Instant now = sim.clock.wallTime();
    RingLease leader = sim.server.put(new RingLease(RingSim.RING, "old-operator_1234", 3, 15, now, now, null,
        Map.of(), Map.of()));
    sim.advance(1_000);
    assertThat(a.ring.blockedReason()).contains("single leader");
    assertThat(a.owned()).isZero();
    for (int slot = 0; slot < 16; slot++) {
      assertThat(sim.server.get(slotLease(slot)).holder()).isEmpty();
    }
    // The leader keeps renewing for a while: nothing is claimed.
    for (int i = 0; i < 10; i++) {
      leader = sim.server.update(leader.renewed(sim.clock.wallTime()));
      sim.advance(2_000);
      assertThat(a.owned()).isZero();
    }
    // It stops: once its Lease expired, the ring claims again.
    sim.advance(RingSim.LEASE.toMillis() + 5_000);
    assertThat(a.ring.blockedReason()).isNull();
    assertThat(a.owned()).isEqualTo(16);
  }

  @Test
  void aMemberSplittingTheKeysDifferentlyBlocksToo() {
    Replica a = sim.start("a");
    sim.advance(5_000);
    Replica other = sim.start("other", 8);
    sim.advance(3_000);
    assertThat(a.ring.blockedReason()).contains("8 slots");
    assertThat(other.ring.blockedReason()).contains("16 slots");
    assertThat(a.owned()).isZero();
    assertThat(other.owned()).isZero();
    other.onRing(other.ring::leave);
    sim.advance(5_000);
    assertThat(a.ring.blockedReason()).isNull();
    assertThat(a.owned()).isEqualTo(16);
  }

  @Test
  void leavingBeforeEverJoiningStopsCleanly() {
    Replica a = sim.start("a");
    sim.advance(1);
    assertThat(a.ring.identity()).as("not a member yet").isNull();
    io.vertx.core.Promise<Void> left = io.vertx.core.Promise.promise();
    a.onRing(() -> a.ring.leave().onComplete(left));
    sim.advance(1_000);
    assertThat(left.future().succeeded()).isTrue();
    assertThat(sim.server.snapshot()).isEmpty();
  }

  @Test
  void leavingBetweenMembershipsStopsCleanly() {
    Replica a = sim.start("a");
    sim.advance(5_000);
    a.clock.pause();
    sim.advance(RingSim.RENEW.toMillis() + 1_000);
    a.clock.resume();
    sim.advance(1);
    assertThat(a.ring.identity()).as("membership lost, not rejoined yet").isNull();
    io.vertx.core.Promise<Void> left = io.vertx.core.Promise.promise();
    a.onRing(() -> a.ring.leave().onComplete(left));
    sim.advance(1_000);
    assertThat(left.future().succeeded()).isTrue();
    assertThat(a.owned()).isZero();
  }

  /**
   * A handoff lands naming a member that has just left (it cleared, then deleted its member Lease,
   * before the handoff landed): the clear proved its terms ended, so the slot is free at once, not
   * after a lease duration of the member Lease missing.
   */
  @Test
  void aSlotHandedToAMemberThatLeftIsFreeAtOnce() {
    Replica a = sim.start("a");
    sim.advance(5_000);
    Instant now = sim.clock.wallTime();
    String ghostLease = RingSim.RING + "-member-ghost-x1";
    RingLease ghost = sim.server.create(new RingLease(ghostLease, "ghost-x1", 0, 15, now, now, null,
        Map.of(RingLease.RING_LABEL, RingSim.RING, RingLease.ROLE_LABEL, RingLease.ROLE_MEMBER),
        Map.of(RingLease.SLOTS_ANNOTATION, "16")));
    sim.advance(100);
    // As if a had handed slot 0 to ghost, which left right after.
    a.clock.pause();
    RingLease cleared = sim.server.update(ghost.heldBy("", 0, 15, now));
    sim.server.delete(ghostLease, cleared.resourceVersion());
    // The handoff was decided before ghost left, and lands after.
    RingLease slot0 = sim.server.get(slotLease(0));
    sim.server.update(slot0.heldBy("ghost-x1", slot0.transitions() + 1, 15, now));
    a.clock.resume();
    sim.advance(RingSim.RETRY.toMillis() * 3);
    assertThat(a.owns(0)).as("slot 0 reclaimed well before a lease duration").isTrue();
  }

  /**
   * A leave while a renew is in flight: the renew lands but its answer is dropped, so the member
   * Lease the leaver clears is at an older version. It must still be cleared and deleted, or the
   * others count the leaver as live for a lease duration and hand slots back to it.
   */
  @Test
  void aLeaveDuringARenewStillClearsTheMemberLease() {
    sim.minLatencyMillis = 300;
    sim.maxLatencyMillis = 300;
    Replica a = sim.start("a");
    sim.minLatencyMillis = 5;
    sim.maxLatencyMillis = 5;
    Replica b = sim.start("b");
    sim.advance(10_000);
    assertThat(a.owned() + b.owned()).isEqualTo(16);
    String aMember = RingSim.RING + "-member-" + a.ring.identity();
    int before = a.api.requests;
    while (a.api.requests == before) {
      sim.advance(10);
    }
    sim.advance(320); // a's renew has landed; its answer is on the way
    a.api.minLatencyMillis = 5; // and comes after a's handoffs are done
    a.api.maxLatencyMillis = 5;
    a.onRing(a.ring::leave);
    sim.advance(3_000);
    assertThat(sim.server.get(aMember)).as("a's member Lease").isNull();
    assertThat(b.owned()).isEqualTo(16);
  }

  /** A leave waits for the handoffs already draining, and the ring writes nothing once it has left. */
  @Test
  void aLeaveWaitsForHandoffsAlreadyDraining() {
    Replica a = sim.start("a");
    sim.advance(5_000);
    sim.drainMillis = 8_000;
    Replica b = sim.start("b");
    sim.advance(3_000); // a is draining the slots it hands to b
    assertThat(a.heard).filteredOn(e -> e.startsWith("released")).hasSize(8);
    sim.drainMillis = 0; // its other slots drain at once
    io.vertx.core.Promise<Void> left = io.vertx.core.Promise.promise();
    a.onRing(() -> a.ring.leave().onComplete(left));
    sim.advance(1_000);
    assertThat(left.future().isComplete()).as("left while 8 slots still drain").isFalse();
    sim.advance(10_000);
    assertThat(left.future().succeeded()).isTrue();
    assertThat(b.owned()).isEqualTo(16);
    assertThat(a.api.afterClose).as("requests after a stopped").isEmpty();
  }

  /** abandon() writes nothing, not even a handoff whose drain ends after it. */
  @Test
  void anAbandonDuringADrainWritesNothing() {
    Replica a = sim.start("a");
    sim.advance(5_000);
    sim.drainMillis = 5_000;
    sim.start("b");
    sim.advance(3_000);
    a.onRing(a.ring::abandon);
    sim.advance(10_000);
    assertThat(a.api.afterClose).as("requests after a stopped").isEmpty();
  }

  /**
   * A leaving member looks live until its member Lease is cleared; the others should not hand it
   * back the slots it is handing them (each round trip a drain) meanwhile. Today they do: the
   * leaver passes them on, they hand them back ("rebalance"), for as long as its leave drains
   * (SlotRingPropertyTest seeds 1-200: 2868 slots handed to leavers over 407 leaves). Not handing
   * a slot straight back to its giver halves that but delays balance by up to a lease duration
   * when two views disagree; the fix is for a leaver to mark its member Lease so that the others
   * leave it out of the assignment.
   */
  @Test
  void slotsAreNotHandedBackToAMemberThatIsLeaving() {
    Replica a = sim.start("a");
    sim.advance(5_000);
    Replica b = sim.start("b");
    sim.advance(6_000);
    assertThat(b.owned()).isEqualTo(8);
    sim.drainMillis = 4_000;
    b.left = true;
    b.onRing(b.ring::leave);
    sim.advance(20_000);
    assertThat(a.owned()).isEqualTo(16);
    assertThat(sim.handoffsToLeavers).as("slots handed to b while it was leaving").isZero();
  }

  /**
   * A replica whose watch lags far behind reads a slot's Lease after a conflict (a quorum GET):
   * the record names a member whose member Lease its watch has not shown yet. That member is not
   * "missing": it must not be taken over after a lease duration while it renews.
   */
  @Test
  void aSlotReadAheadOfALaggingWatchIsNotTakenFromALiveMember() {
    sim.minLatencyMillis = 1_000;
    sim.maxLatencyMillis = 1_000;
    Replica a = sim.start("a");
    sim.minLatencyMillis = 5;
    sim.maxLatencyMillis = 5;
    sim.advance(1_500); // a has listed the (empty) ring
    a.api.watchLagMillis = 60_000;
    Replica b = sim.start("b");
    b.api.watchLagMillis = 100; // b hears of a takeover a little late
    sim.advance(10_000);
    a.api.minLatencyMillis = 5; // a's requests are fast again: a takeover now starts a term at once
    a.api.maxLatencyMillis = 5;
    try {
      sim.advance(30_000);
    } catch (AssertionError overlap) {
      // RingSim saw two valid terms for one slot: the failure below names it.
    }
    assertThat(sim.violation()).isNull();
    assertThat(b.owned() + a.owned()).isLessThanOrEqualTo(16);
    assertThat(b.owned()).as("b keeps the slots it claimed first").isPositive();
  }

  private List<Integer> slotsOf(Replica replica) {
    List<Integer> slots = new ArrayList<>();
    for (int slot = 0; slot < replica.ring.slots(); slot++) {
      if (replica.owns(slot)) {
        slots.add(slot);
      }
    }
    return slots;
  }

  private static String slotLease(int slot) {
    return String.format("%s-slot-%02d-of-16", RingSim.RING, slot);
  }
}
