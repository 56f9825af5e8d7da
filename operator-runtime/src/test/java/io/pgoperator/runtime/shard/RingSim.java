package io.pgoperator.runtime.shard;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgoperator.runtime.leader.HolderPod;
import io.pgoperator.runtime.leader.LeaderElectionConfig;
import io.pgoperator.runtime.leader.LeaderTerm;
import io.pgoperator.runtime.ownership.OwnershipListener;
import io.pgoperator.runtime.time.FakeClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;

/**
 * Several {@link SlotRing}s against one {@link FakeRingServer} on one {@link FakeClock}, with the
 * safety invariants checked from outside after every task any replica runs and every write the
 * server takes: at most one valid term per slot at any instant, and a slot's terms numbered in
 * increasing order. Its listener checks that it is told of each term once, while valid, and of its
 * release once; one drain in twenty outlasts the drain timeout. Timings are client-go's defaults (15 s / 10 s / 2 s).
 */
final class RingSim {

  static final Duration LEASE = Duration.ofSeconds(15);
  static final Duration RENEW = Duration.ofSeconds(10);
  static final Duration RETRY = Duration.ofSeconds(2);
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
  static final String RING = "pg-operator";

  final FakeClock clock = new FakeClock();
  final FakeRingServer server = new FakeRingServer(this::check);
  /** What the kubelet reports on each replica's Pod (nothing unless a test says so). */
  final FakeKubelet kubelet = new FakeKubelet();
  final Random random;
  final List<Replica> replicas = new ArrayList<>();
  private final Deque<String> trace = new ArrayDeque<>();
  private final long startNanos = clock.nanoTime();
  private int suffixes;
  int minLatencyMillis = 5;
  int maxLatencyMillis = 5;
  int maxDrainMillis = 0;
  /** When set, every drain takes exactly this long. */
  Integer drainMillis;
  /** Per slot, the last term seen valid and its number. */
  private final LeaderTerm[] lastTerm = new LeaderTerm[256];
  private final long[] lastTermNumber = new long[256];
  private String violation;

  /** Slot Leases written naming, as new holder, a member that had begun to leave. */
  int handoffsToLeavers;

  RingSim(long seed) {
    this.random = new Random(seed);
    server.onStore = (before, after) -> {
      if (after.isSlot() && before != null && after.hasHolder() && !after.holder().equals(before.holder())
          && replicas.stream().anyMatch(r -> r.left && after.holder().equals(r.ring.identity()))) {
        handoffsToLeavers++;
      }
    };
  }

  /** One replica: its clock, its connection, its ring and what its listener heard. */
  final class Replica {
    final String name;
    final ReplicaClock clock;
    final FakeRingApi api;
    final SlotRing ring;
    final List<String> heard = new ArrayList<>();
    /** What the listener was told it holds. */
    final java.util.Map<Integer, LeaderTerm> held = new java.util.HashMap<>();
    private final java.util.Set<LeaderTerm> releasedTerms =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    boolean crashed;
    /** Crashed and reported terminated by the kubelet: its process is gone. */
    boolean dead;
    boolean left;

    Replica(String name, int slots) {
      this.name = name;
      this.clock = new ReplicaClock(name, RingSim.this.clock, RingSim.this::check);
      this.api = new FakeRingApi(server, RingSim.this.clock, clock, random, minLatencyMillis, maxLatencyMillis);
      ShardingConfig config = new ShardingConfig(new LeaderElectionConfig("ns", RING, name + "_uid", LEASE, RENEW,
          RETRY, true, false, new HolderPod("ns", name, name + "-uid", "operator")), slots, DRAIN_TIMEOUT);
      this.ring = new SlotRing(config, api, kubelet.viewFor(clock), clock,
          new ShardingMetrics(new SimpleMeterRegistry(), RING, slots), () -> "m" + (++suffixes),
          task -> clock.setTimer(0, task));
      ring.addListener(new OwnershipListener() {
        @Override
        public void acquired(int slot, LeaderTerm term) {
          if (!term.isValid() || ring.termFor(slot) != term || held.put(slot, term) != null) {
            fail(Replica.this + " told of slot " + slot + " under " + term + " (valid " + term.isValid()
                + ", current " + ring.termFor(slot) + ", still holding " + held.get(slot) + ")");
          }
          heard.add("acquired " + slot);
          log(Replica.this.name + " acquired slot " + slot + " (" + term + ")");
        }

        @Override
        public Future<Void> released(int slot, LeaderTerm term) {
          // Told again of a release it heard already (a loss during a handoff's drain): allowed, the
          // contract does not promise once and the controllers compare terms.
          if (held.get(slot) == term) {
            held.remove(slot);
            releasedTerms.add(term);
          } else if (!releasedTerms.contains(term)) {
            fail(Replica.this + " told slot " + slot + " under " + term + " is released, but it was not acquired");
          }
          heard.add("released " + slot);
          log(Replica.this.name + " released slot " + slot + " (" + term + ", valid " + term.isValid() + ")");
          Promise<Void> drained = Promise.promise();
          int drain = drainMillis != null ? drainMillis : maxDrainMillis == 0 ? 0 : random.nextInt(20) == 0
              ? (int) DRAIN_TIMEOUT.toMillis() + random.nextInt(3_000) : random.nextInt(maxDrainMillis + 1);
          RingSim.this.clock.setTimer(drain, drained::tryComplete);
          return drained.future();
        }
      });
    }

    /** Runs an action on the replica's context, as the verticle would. */
    void onRing(Runnable action) {
      clock.setTimer(0, action);
    }

    int owned() {
      return ring.ownedSlots();
    }

    boolean owns(int slot) {
      LeaderTerm term = ring.termFor(slot);
      return term != null && term.isValid();
    }

    /** Running, reachable, not paused, its watch not lagging, and a member under a valid membership. */
    boolean healthy() {
      LeaderTerm membership = ring.membership();
      return !crashed && !left && !clock.paused() && !api.partitioned() && !lagging()
          && membership != null && membership.isValid();
    }

    /** Its watch is more than a second behind (events still on their way from a lag). */
    boolean lagging() {
      return api.watchLagMillis > 0 || api.behindMillis() > 1_000;
    }

    @Override
    public String toString() {
      return name + "(" + ring.identity() + ")";
    }
  }

  Replica start(String name) {
    return start(name, 16);
  }

  Replica start(String name, int slots) {
    Replica replica = new Replica(name, slots);
    replicas.add(replica);
    log("start " + name + " (" + slots + " slots)");
    replica.onRing(replica.ring::start);
    return replica;
  }

  void advance(long millis) {
    clock.advance(Duration.ofMillis(millis));
  }

  long nowMillis() {
    return (clock.nanoTime() - startNanos) / 1_000_000;
  }

  void log(String line) {
    trace.addLast(String.format("%9.3fs %s", nowMillis() / 1000.0, line));
    while (trace.size() > 1_000) {
      trace.removeFirst();
    }
  }

  String trace() {
    return String.join("\n", trace);
  }

  String violation() {
    return violation;
  }

  /** The replicas holding a valid term for {@code slot} now. */
  List<Replica> owners(int slot) {
    List<Replica> owners = new ArrayList<>();
    for (Replica replica : replicas) {
      // A process the kubelet reported gone writes nothing more, whatever its last term says.
      if (slot < replica.ring.slots() && replica.owns(slot) && !replica.dead) {
        owners.add(replica);
      }
    }
    return owners;
  }

  /** The stored slot Lease, the member Leases and each replica's view, for a failure message. */
  String describe(int slot) {
    StringBuilder text = new StringBuilder();
    String slotName = String.format("%s-slot-%02d-of-16", RING, slot);
    text.append("\n  stored ").append(server.get(slotName));
    server.snapshot().values().stream().filter(RingLease::isMember)
        .forEach(lease -> text.append("\n  stored member ").append(lease.name()).append(" holder '")
            .append(lease.holder()).append("' rv ").append(lease.resourceVersion()).append(" renewed ")
            .append(lease.renewTime()));
    for (Replica replica : replicas) {
      text.append("\n  ").append(replica).append(replica.crashed ? " crashed" : "").append(replica.left ? " left" : "")
          .append(replica.clock.paused() ? " paused" : "").append(replica.api.partitioned() ? " partitioned" : "")
          .append(replica.healthy() ? " healthy" : "").append(" sees members ").append(replica.ring.liveMembers())
          .append(" blocked ").append(replica.ring.blockedReason());
    }
    return text.toString();
  }

  private void check() {
    if (violation != null) {
      return;
    }
    int slots = replicas.isEmpty() ? 0 : replicas.get(0).ring.slots();
    for (int slot = 0; slot < slots; slot++) {
      List<Replica> owners = owners(slot);
      if (owners.size() > 1) {
        int contested = slot;
        fail("slot " + slot + " has " + owners.size() + " valid terms at once: " + owners + " terms "
            + owners.stream().map(r -> String.valueOf(r.ring.termFor(contested))).toList());
        return;
      }
      if (owners.size() == 1) {
        LeaderTerm term = owners.get(0).ring.termFor(slot);
        if (term != lastTerm[slot]) {
          if (lastTerm[slot] != null && term.number() <= lastTermNumber[slot]) {
            fail("slot " + slot + ": term " + term.number() + " of " + owners.get(0) + " after term "
                + lastTermNumber[slot]);
            return;
          }
          lastTerm[slot] = term;
          lastTermNumber[slot] = term.number();
        }
      }
    }
  }

  private void fail(String what) {
    violation = String.format("at %.3fs: %s", nowMillis() / 1000.0, what);
    log("VIOLATION " + violation);
    throw new AssertionError(violation + "\n" + trace());
  }
}
