package io.pgoperator.runtime.shard;

import io.pgoperator.runtime.leader.HolderDeath;
import io.pgoperator.runtime.leader.HolderPod;
import io.pgoperator.runtime.leader.LeaderTerm;
import io.pgoperator.runtime.ownership.OwnershipListener;
import io.pgoperator.runtime.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sharded ring as a plain state machine, driven by a {@link Clock} and {@link RingApi}
 * futures, so tests run several of them against one fake API with a fake clock. Every method runs
 * on one thread (the ring's context); {@link #termFor(int)} and the metrics' reads may be called
 * from any thread.
 *
 * <p>The rules that keep two replicas from writing for one key:
 * <ul>
 *   <li><b>Membership</b> ({@link MemberLease}) is a Lease this replica renews like a leader renews
 *       its Lease; its membership term is valid until the send time of the last successful renew
 *       plus the renew deadline. Every slot term is held {@linkplain LeaderTerm#within within} it.
 *   <li><b>A slot moves only by compare-and-swap</b> on its Lease: a claim writes this replica as
 *       holder, a handoff the next owner, each with {@code leaseTransitions + 1}, the new term's
 *       number. A slot term starts only from a record naming this membership's identity with a term
 *       number higher than any this membership has ended for the slot.
 *   <li><b>A slot is free</b> ({@link RingView}) when its Lease names no holder, or a member whose
 *       Lease was reaped (holder cleared), or one whose member Lease has been missing for a lease
 *       duration. A member Lease is reaped only by a compare-and-swap at the version seen unchanged
 *       for its lease duration on the reaper's monotonic clock, so its holder's membership term
 *       ended before (the argument of client-go's election), or once the kubelet reports its
 *       process gone ({@code HolderDeath}).
 *   <li><b>A handoff</b> stops dispatching the slot, waits for its reconciles (up to the drain
 *       timeout), ends the term, and only then writes the next owner.
 *   <li><b>A lost membership</b> ends every slot term at once; the replica clears its old member
 *       Lease and rejoins under a new identity, so no record naming the old one is ever taken for
 *       its own again.
 *   <li><b>Mode guard:</b> nothing is claimed, and owned slots are given up, while a live
 *       single-leader Lease (named like the ring) or a live member splitting the keys into a
 *       different number of slots is seen.
 * </ul>
 */
final class SlotRing {

  private static final Logger LOG = LoggerFactory.getLogger(SlotRing.class);
  /** The ring ticks four times a retry period; it lists its Leases every five retry periods. */
  private static final int POLL_EVERY_TICKS = 20;
  private enum Phase { IDLE, RUNNING, LEAVING, STOPPED }

  private final ShardingConfig config;
  private final RingApi api;
  private final MemberPods pods;
  private final Clock clock;
  private final ShardingMetrics metrics;
  private final java.util.concurrent.Executor onRing;
  private final int slots;
  private final long leaseNanos;
  private final long renewDeadlineNanos;
  private final long retryNanos;
  private final long tickMillis;
  private final List<OwnershipListener> listeners = new ArrayList<>();
  private final RequestTimeout requests;

  // What this replica sees of the ring.
  private final RingView view;
  private boolean synced;
  private Set<String> liveMembers = Set.of();
  private long membersChangedAtNanos;

  // This replica's membership.
  private Phase phase = Phase.IDLE;
  private final MemberLease membership;

  // This replica's slots.
  private final AtomicReferenceArray<LeaderTerm> terms;
  private final boolean[] pending;
  private final int[] endedTransitions;
  private final long[] freeSinceNanos;
  /** Handoffs started and not yet done (draining or writing), by slot: a leave waits for them too. */
  private final Map<Integer, Future<Void>> handingOff = new HashMap<>();
  private final Set<String> reaping = new HashSet<>();
  private final Set<String> deleting = new HashSet<>();
  private String blockedReason;
  private long tickTimer = -1;
  private long ticks;
  private boolean polling;
  private Promise<Void> left;

  /**
   * @param suffixes a fresh, never reused suffix for each membership's identity
   * @param onRing runs a task on the ring's context (drains complete on the controllers')
   */
  SlotRing(ShardingConfig config, RingApi api, Clock clock, ShardingMetrics metrics, Supplier<String> suffixes,
      java.util.concurrent.Executor onRing) {
    this(config, api, MemberPods.NONE, clock, metrics, suffixes, onRing);
  }

  /** @param pods the kubelet's reports on the members' Pods: a member reported gone is reaped at once */
  SlotRing(ShardingConfig config, RingApi api, MemberPods pods, Clock clock, ShardingMetrics metrics,
      Supplier<String> suffixes, java.util.concurrent.Executor onRing) {
    this.config = config;
    this.view = new RingView(config, clock);
    this.pods = pods;
    this.onRing = onRing;
    this.api = api;
    this.clock = clock;
    this.metrics = metrics;
    this.slots = config.slots();
    this.leaseNanos = config.lease().leaseDuration().toNanos();
    this.renewDeadlineNanos = config.lease().renewDeadline().toNanos();
    this.retryNanos = config.lease().retryPeriod().toNanos();
    this.tickMillis = Math.max(1, config.lease().retryPeriod().toMillis() / 4);
    this.terms = new AtomicReferenceArray<>(slots);
    this.pending = new boolean[slots];
    this.endedTransitions = new int[slots];
    this.freeSinceNanos = new long[slots];
    Arrays.fill(freeSinceNanos, Long.MIN_VALUE);
    this.requests = new RequestTimeout(clock, config.lease().leaseRequestTimeout());
    this.membership = new MemberLease(config, api, clock, metrics, suffixes, requests, new MemberLease.Listener() {
      @Override
      public void joined() {
        Arrays.fill(endedTransitions, 0);
      }

      @Override
      public void lost() {
        endAllSlots("membership lost");
      }

      @Override
      public void saw(RingLease lease) {
        SlotRing.this.saw(lease);
      }

      @Override
      public void step() {
        SlotRing.this.step();
      }
    });
  }

  // ---- what others read ----

  /** The term under which this replica owns {@code slot}, or null. Any thread. */
  LeaderTerm termFor(int slot) {
    return terms.get(slot);
  }

  /** The current member identity, or null while not a member. */
  String identity() {
    return membership.identity();
  }

  LeaderTerm membership() {
    return membership.term();
  }

  int slots() {
    return slots;
  }

  int ownedSlots() {
    int owned = 0;
    for (int slot = 0; slot < slots; slot++) {
      LeaderTerm term = terms.get(slot);
      if (term != null && term.isValid()) {
        owned++;
      }
    }
    return owned;
  }

  /** Slots whose Lease, as this replica sees it, names no live member. Ring context only. */
  int unownedSlots() {
    return view.unowned(liveMembers);
  }

  Set<String> liveMembers() {
    return liveMembers;
  }

  int expiredMembers() {
    return view.expiredMembers(clock.nanoTime(), identity());
  }

  String blockedReason() {
    return blockedReason;
  }

  /** Null when fine; otherwise why liveness should fail (a member that stopped renewing: a stuck loop). */
  String unhealthyReason() {
    return phase == Phase.RUNNING ? membership.unhealthyReason() : null;
  }

  void addListener(OwnershipListener listener) {
    listeners.add(listener);
    for (int slot = 0; slot < slots; slot++) {
      LeaderTerm term = terms.get(slot);
      if (term != null && term.isValid()) {
        listener.acquired(slot, term);
      }
    }
  }

  // ---- lifecycle ----

  void start() {
    if (phase != Phase.IDLE) {
      return;
    }
    phase = Phase.RUNNING;
    LOG.info("joining ring {}/{}: {} slots, lease-duration {}ms, renew-deadline {}ms, retry-period {}ms",
        config.namespace(), config.ring(), slots, leaseNanos / 1_000_000, renewDeadlineNanos / 1_000_000,
        retryNanos / 1_000_000);
    api.watch(this::watched, this::gone, () -> {
      synced = true;
      step();
    });
    pods.start(this::step);
    tick();
  }

  /**
   * Leaves the ring: every owned slot is handed to the member that should own it without this
   * replica (or cleared when there is none), in parallel, each after its reconciles drained; then
   * the member Lease is cleared and deleted. Never fails.
   */
  Future<Void> leave() {
    if (left != null) {
      return left.future();
    }
    left = Promise.promise();
    if (phase != Phase.RUNNING) {
      stop();
      return left.future();
    }
    phase = Phase.LEAVING;
    LOG.info("leaving ring {}/{} as {}: handing off {} slot(s)", config.namespace(), config.ring(), identity(),
        ownedSlots());
    // First say so on the member Lease, so that nobody hands us a slot back meanwhile (one write).
    membership.markLeaving().onComplete(ignored -> {
      String[] successors = assignment(without(liveMembers, identity()));
      List<Future<Void>> handoffs = new ArrayList<>();
      for (int slot = 0; slot < slots; slot++) {
        if (terms.get(slot) != null && !pending[slot]) {
          handoffs.add(handOff(slot, successors[slot] == null ? "" : successors[slot], "leave"));
        }
      }
      // Rebalance handoffs already draining: their slots' reconciles must end before we have left.
      handoffs.addAll(handingOff.values());
      Future.join(handoffs).onComplete(done -> membership.release().onComplete(released -> stop()));
    });
    return left.future();
  }

  /** Stops at once without writing anything: others take the slots once the member Lease expires. */
  Future<Void> abandon() {
    if (left == null) {
      left = Promise.promise();
    }
    endAllSlots("abandoned");
    stop();
    return left.future();
  }

  private void stop() {
    phase = Phase.STOPPED;
    cancelTick();
    membership.end();
    Future.join(api.close(), pods.close()).onComplete(closed -> left.tryComplete());
  }

  // ---- what the watch shows ----

  /**
   * A watch event. A slot's term number only grows, so an event with a lower one is older than
   * what a write of ours already showed (watch events may trail the write's answer): ignored.
   */
  void watched(RingLease lease) {
    if (!view.isStale(lease)) {
      saw(lease);
    }
  }

  /** What a write's answer, a read or a watch event showed. */
  void saw(RingLease lease) {
    if (view.record(lease)) {
      step();
    }
  }

  void gone(String name) {
    if (view.remove(name)) {
      step();
    }
  }

  // ---- deciding what to do next ----

  private void tick() {
    tickTimer = clock.setTimer(tickMillis, () -> {
      tickTimer = -1;
      if (phase == Phase.RUNNING || phase == Phase.LEAVING) {
        if (++ticks % POLL_EVERY_TICKS == 0) {
          poll();
        }
        step();
        tick();
      }
    });
  }

  /**
   * Reads the ring's Leases in one listing, in case the watch stopped without saying so (a
   * half-open connection): a slot handed to this replica would otherwise stay unseen while its
   * Lease, renewed, keeps everyone else from taking it. Members before slots, so that no slot is
   * seen naming a member the view has not caught up with; older records are ignored as for watch
   * events. The listing is a quorum read, newer than any event the watch has delivered, so a Lease
   * of the ring it lacks has been deleted.
   */
  private void poll() {
    if (!synced || polling) {
      return;
    }
    polling = true;
    requests.bound("list of the ring's leases", api.list()).onComplete(listed -> {
      polling = false;
      if (listed.failed() || phase == Phase.STOPPED) {
        return;
      }
      boolean changed = false;
      java.util.Set<String> gone = view.ringLeaseNames();
      listed.result().forEach(lease -> gone.remove(lease.name()));
      for (String name : gone) {
        changed |= view.remove(name);
      }
      for (boolean members : new boolean[] {true, false}) {
        for (RingLease lease : listed.result()) {
          if (lease.isMember() == members && !view.isStale(lease) && view.record(lease)) {
            changed = true;
          }
        }
      }
      if (changed) {
        LOG.debug("ring {}: the listing showed changes the watch had not (yet) delivered", config.ring());
        step();
      }
    });
  }

  private void cancelTick() {
    if (tickTimer >= 0) {
      clock.cancelTimer(tickTimer);
      tickTimer = -1;
    }
  }

  private void step() {
    if (phase == Phase.IDLE || phase == Phase.STOPPED) {
      return;
    }
    long now = clock.nanoTime();
    trackMembers(now);
    membership.keep(now, phase == Phase.RUNNING);
    if (!synced) {
      return;
    }
    reapExpiredMembers(now);
    if (phase == Phase.LEAVING) {
      passOnHandoffs();
      report();
      return;
    }
    if (!membership.valid()) {
      report();
      return;
    }
    blockedReason = view.modeConflict(now, identity());
    String[] desired = assignment(liveMembers);
    boolean stable = now - membersChangedAtNanos >= retryNanos;
    boolean mayClaim = blockedReason == null && now - membership.joinedAtNanos() >= retryNanos;
    for (int slot = 0; slot < slots; slot++) {
      if (!pending[slot]) {
        decide(slot, now, desired[slot], stable, mayClaim);
      }
    }
    report();
  }

  /** Publishes what the metrics show (read from the scrape thread). */
  private void report() {
    view.forgetUnreferenced(clock.nanoTime());
    metrics.report(ownedSlots(), unownedSlots(), liveMembers.size(), expiredMembers(), blockedReason != null);
  }

  private void decide(int slot, long now, String desired, boolean stable, boolean mayClaim) {
    RingView.Seen seen = view.slot(slot);
    RingLease record = seen == null ? null : seen.lease();
    String holder = record == null ? "" : record.holder();
    LeaderTerm term = terms.get(slot);
    if (holder.equals(identity())) {
      freeSinceNanos[slot] = Long.MIN_VALUE;
      if (term == null) {
        if (record.transitions() > endedTransitions[slot]) {
          startTerm(slot, record, handedOver(seen, now), "handoff");
        } else if (identity().equals(desired) && blockedReason == null) {
          claim(slot, record, "claim", now);
        } else {
          passOn(slot, record, blockedReason != null || desired == null ? "" : desired);
        }
      } else if (blockedReason != null) {
        handOff(slot, "", "blocked");
      } else if (desired != null && !desired.equals(identity()) && stable) {
        handOff(slot, desired, "rebalance");
      }
      return;
    }
    if (term != null) {
      // Only a hand edit can rename the holder of a slot we hold: stop at once.
      loseSlot(slot, "its Lease now names '" + holder + "'");
    }
    if (!view.free(record, now)) {
      freeSinceNanos[slot] = Long.MIN_VALUE;
      return;
    }
    if (freeSinceNanos[slot] == Long.MIN_VALUE) {
      freeSinceNanos[slot] = now;
    }
    if (!mayClaim) {
      return;
    }
    if (identity().equals(desired)) {
      claim(slot, record, record == null || !record.hasHolder() ? "claim" : "takeover", now);
    } else if (now - freeSinceNanos[slot] >= 2 * retryNanos) {
      // Its desired owner has not claimed it (views differ, or it is gone): anyone may.
      claim(slot, record, "fallback", now);
    }
  }

  private long handedOver(RingView.Seen seen, long now) {
    return now - seen.changedAtNanos();
  }

  private void trackMembers(long now) {
    Set<String> live = view.liveMembers(now);
    LeaderTerm current = membership.term();
    if (identity() != null && current != null && current.isValid() && phase == Phase.RUNNING) {
      live.add(identity());
    } else if (identity() != null) {
      live.remove(identity());
    }
    if (!live.equals(liveMembers)) {
      liveMembers = Set.copyOf(live);
      membersChangedAtNanos = now;
      LOG.info("ring {} members: {}", config.ring(), live);
    }
  }

  private String[] assignment(Set<String> members) {
    return SlotAssignment.assign(slots, members);
  }

  /** {@code member} is null between memberships (before the first join, after a loss). */
  private static Set<String> without(Set<String> members, String member) {
    Set<String> rest = new TreeSet<>(members);
    if (member != null) {
      rest.remove(member);
    }
    return rest;
  }

  // ---- reaping ----

  private void reapExpiredMembers(long now) {
    for (RingView.Seen seen : view.members()) {
      RingLease lease = seen.lease();
      if (!lease.isMember() || lease.holder().equals(identity()) || reaping.contains(lease.name())) {
        continue;
      }
      String dead = lease.hasHolder() ? reportedDead(lease) : null;
      if (lease.hasHolder() && (!view.live(seen, now) || dead != null)) {
        reaping.add(lease.name());
        if (dead != null && view.live(seen, now)) {
          LOG.info("ring {}: member {} reaped without waiting for its Lease to expire: {}", config.ring(),
              lease.holder(), dead);
        } else {
          LOG.info("ring {}: member {} has not renewed for {}s: reaping it, its slots become free", config.ring(),
              lease.holder(), (now - seen.changedAtNanos()) / 1_000_000_000);
        }
        RingLease reaped = lease.heldBy("", lease.transitions(), lease.durationSeconds(), clock.wallTime());
        requests.bound("reap of " + lease.name(), api.update(reaped)).onComplete(done -> {
          reaping.remove(lease.name());
          if (done.succeeded()) {
            metrics.reaped();
            saw(done.result());
          } else {
            refresh(lease.name(), done.cause());
          }
        });
      } else if (!lease.hasHolder() && now - seen.changedAtNanos() >= 4 * leaseNanos
          && deleting.add(lease.name())) {
        api.delete(lease.name(), lease.resourceVersion()).onComplete(done -> deleting.remove(lease.name()));
      }
    }
  }

  /**
   * Why the kubelet's report says the member's process is gone, or null: the rule of {@link
   * HolderDeath}, against the Pod the member wrote on its Lease and the Lease's acquire and renew
   * times (a dead process sends no more writes, so its slots need no expiry).
   */
  private String reportedDead(RingLease lease) {
    HolderPod holder = HolderPod.fromAnnotations(lease.annotations());
    if (holder == null) {
      return null;
    }
    return HolderDeath.of(holder, lease.acquireTime(), lease.renewTime(), pods.get(holder.namespace(), holder.name()))
        .orElse(null);
  }

  // ---- slots ----

  private void claim(int slot, RingLease record, String reason, long now) {
    pending[slot] = true;
    String claimant = identity();
    LeaderTerm under = membership.term();
    Instant wall = clock.wallTime();
    int seconds = config.leaseDurationSeconds();
    RingLease next = record == null
        ? new RingLease(config.slotLeaseName(slot), claimant, 1, seconds, wall, wall, null,
            Map.of(RingLease.RING_LABEL, config.ring(), RingLease.ROLE_LABEL, RingLease.ROLE_SLOT),
            Map.of(RingLease.SLOT_ANNOTATION, String.valueOf(slot)))
        : record.heldBy(claimant, record.transitions() + 1, seconds, wall);
    long freeFor = freeSinceNanos[slot] == Long.MIN_VALUE ? 0 : now - freeSinceNanos[slot];
    requests.bound("claim of slot " + slot, record == null ? api.create(next) : api.update(next)).onComplete(result -> {
      pending[slot] = false;
      if (result.succeeded()) {
        RingLease claimed = result.result();
        view.record(claimed);
        if (membership.term() == under && under.isValid() && claimant.equals(identity())
            && phase == Phase.RUNNING) {
          startTerm(slot, claimed, freeFor + (clock.nanoTime() - now), reason);
        }
      } else {
        refresh(config.slotLeaseName(slot), result.cause());
      }
      step();
    });
  }

  private void startTerm(int slot, RingLease record, long unownedNanos, String reason) {
    LeaderTerm under = membership.term();
    if (under == null || !under.isValid() || phase != Phase.RUNNING) {
      return;
    }
    LeaderTerm term = under.within(record.transitions(), "slot " + slot + " term " + record.transitions());
    terms.set(slot, term);
    freeSinceNanos[slot] = Long.MIN_VALUE;
    metrics.acquired(reason, unownedNanos);
    LOG.info("ring {}: owning slot {} ({}, {})", config.ring(), slot, term, reason);
    for (OwnershipListener listener : listeners) {
      try {
        listener.acquired(slot, term);
      } catch (RuntimeException e) {
        LOG.error("ownership listener {} failed on slot {}", listener, slot, e);
      }
    }
  }

  /**
   * Stops dispatching the slot, waits for its reconciles (up to the drain timeout), ends its term,
   * then writes {@code to} as holder ("" for nobody). Completes when done, never fails.
   */
  private Future<Void> handOff(int slot, String to, String why) {
    LeaderTerm term = terms.get(slot);
    pending[slot] = true;
    long started = clock.nanoTime();
    String from = identity();
    List<Future<Void>> drains = new ArrayList<>();
    for (OwnershipListener listener : listeners) {
      try {
        drains.add(listener.released(slot, term));
      } catch (RuntimeException e) {
        LOG.error("ownership listener {} failed on slot {}", listener, slot, e);
      }
    }
    Promise<Void> drained = Promise.promise();
    long timer = clock.setTimer(config.drainTimeout().toMillis(), () -> {
      if (drained.tryComplete()) {
        LOG.warn("ring {}: slot {} still had reconciles running after {}ms; ending its term anyway (their writes"
            + " are refused)", config.ring(), slot, config.drainTimeout().toMillis());
      }
    });
    Future.join(drains).onComplete(all -> onRing.execute(() -> {
      clock.cancelTimer(timer);
      drained.tryComplete();
    }));
    Promise<Void> done = Promise.promise();
    drained.future().onComplete(ignored -> {
      metrics.drained(clock.nanoTime() - started);
      endTerm(slot, term);
      RingView.Seen seen = view.slot(slot);
      if (phase == Phase.STOPPED || seen == null || from == null || !from.equals(seen.lease().holder())) {
        // Abandoned meanwhile: write nothing (the slot is free once our member Lease is reaped).
        pending[slot] = false;
        done.complete();
        step();
        return;
      }
      RingLease record = seen.lease();
      String next = successorStillLive(slot, to, why);
      LOG.info("ring {}: handing slot {} to {} ({})", config.ring(), slot, next.isEmpty() ? "nobody" : next, why);
      requests.bound("handoff of slot " + slot, api.update(record.heldBy(next, record.transitions() + 1,
          config.leaseDurationSeconds(), clock.wallTime()))).onComplete(result -> {
            pending[slot] = false;
            if (result.succeeded()) {
              metrics.handedOff(why);
              view.record(result.result());
            } else {
              refresh(record.name(), result.cause());
            }
            done.complete();
            step();
          });
    });
    Future<Void> handoff = done.future();
    handingOff.put(slot, handoff);
    handoff.onComplete(finished -> handingOff.remove(slot, handoff));
    return handoff;
  }

  /**
   * The successor chosen before the drain may have left the ring meanwhile (a leaving member is
   * live until its handoffs are done, so a rebalance can pick it): a slot written to a member gone
   * would stay unowned until that member counts as missing for a lease duration. Choose again
   * among the members live now.
   */
  private String successorStillLive(int slot, String to, String why) {
    if (to.isEmpty() || liveMembers.contains(to)) {
      return to;
    }
    String[] successors = assignment(without(liveMembers, identity()));
    String next = successors[slot] == null ? "" : successors[slot];
    LOG.info("ring {}: {} of slot {} was for {}, no longer a live member; choosing {} instead", config.ring(), why,
        slot, to, next.isEmpty() ? "nobody" : next);
    return next;
  }

  /** A record naming us with no term of ours (an ended term, or a handoff to us while leaving): pass it on. */
  private void passOn(int slot, RingLease record, String to) {
    pending[slot] = true;
    requests.bound("handoff of slot " + slot, api.update(record.heldBy(to, record.transitions() + 1,
        config.leaseDurationSeconds(), clock.wallTime()))).onComplete(result -> {
          pending[slot] = false;
          if (result.succeeded()) {
            view.record(result.result());
          } else {
            refresh(record.name(), result.cause());
          }
          step();
        });
  }

  private void passOnHandoffs() {
    String[] successors = assignment(without(liveMembers, identity()));
    for (int slot = 0; slot < slots; slot++) {
      RingView.Seen seen = view.slot(slot);
      if (!pending[slot] && terms.get(slot) == null && seen != null && identity() != null
          && identity().equals(seen.lease().holder())) {
        passOn(slot, seen.lease(), successors[slot] == null ? "" : successors[slot]);
      }
    }
  }

  private void loseSlot(int slot, String reason) {
    LeaderTerm term = terms.get(slot);
    if (term == null) {
      return;
    }
    LOG.warn("ring {}: lost slot {} ({}): {}", config.ring(), slot, term, reason);
    endTerm(slot, term);
    metrics.lost();
    for (OwnershipListener listener : listeners) {
      try {
        listener.released(slot, term);
      } catch (RuntimeException e) {
        LOG.error("ownership listener {} failed on slot {}", listener, slot, e);
      }
    }
  }

  private void endAllSlots(String reason) {
    for (int slot = 0; slot < slots; slot++) {
      loseSlot(slot, reason);
    }
  }

  private void endTerm(int slot, LeaderTerm term) {
    if (term == null) {
      return;
    }
    term.end();
    terms.compareAndSet(slot, term, null);
    endedTransitions[slot] = Math.max(endedTransitions[slot], (int) term.number());
  }

  /** After a failed slot write: a conflict means our view is behind, so read the Lease now. */
  private void refresh(String name, Throwable error) {
    if (!(error instanceof RingConflictException)) {
      LOG.debug("ring {}: write of lease {} failed: {}", config.ring(), name, error.toString());
      return;
    }
    api.get(name).onSuccess(lease -> {
      if (lease == null) {
        gone(name);
      } else if (lease.isSlot() && lease.hasHolder() && !lease.holder().equals(identity())
          && !view.knowsMember(lease.holder())) {
        // Read ahead of our watch: its holder's member Lease may simply not have reached us yet,
        // and free() would count it missing and take the slot from a live member. Wait for the watch.
        LOG.debug("ring {}: lease {} names {}, whose member lease the watch has not shown yet", config.ring(),
            name, lease.holder());
      } else {
        saw(lease);
      }
    });
  }

}
