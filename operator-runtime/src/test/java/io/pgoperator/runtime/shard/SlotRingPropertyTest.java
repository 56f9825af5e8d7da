package io.pgoperator.runtime.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.runtime.shard.RingSim.Replica;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random joins, graceful leaves, crashes, pauses, partitions and watches lagging far behind (with
 * latency up to 60 ms each way and drains up to 2 s, one in twenty past the drain timeout), four
 * simulated minutes per seed. {@link RingSim} checks safety after
 * every step; this test checks, every 100 ms of simulated time:
 * <ul>
 *   <li><b>progress</b>: no slot stays without a valid term for longer than {@link #UNOWNED_BOUND}
 *       while some replica is healthy (running, neither paused nor partitioned, with a valid
 *       membership), counted from the latest of: the slot losing its owner, the longest-healthy
 *       replica becoming healthy (a replica judges a member expired a lease duration after it
 *       first saw its Lease, whatever the Lease's timestamps say), and the last crash, pause or
 *       partition (the slot may be assigned to the member that failed, which looks live until its
 *       Lease expires);
 *   <li><b>balance</b>: once nothing has happened for {@link #QUIET} and every running replica is
 *       healthy, each owns floor(S/N) or ceil(S/N) slots and every slot is owned.
 * </ul>
 */
class SlotRingPropertyTest {

  private static final int SLOTS = 16;
  private static final long RUN_MILLIS = 240_000;
  private static final long STEP_MILLIS = 100;
  /** A crashed owner is reaped a lease duration after its last renew was seen, then claimed. */
  static final long UNOWNED_BOUND = RingSim.LEASE.toMillis() + 4 * RingSim.RETRY.toMillis();
  /** Long enough for a crash to be reaped and the ring to rebalance. */
  static final long QUIET = RingSim.LEASE.toMillis() + 10 * RingSim.RETRY.toMillis();
  private static final int MAX_REPLICAS = 6;

  /** Seeds 1..30; {@code -Dring.seeds=31-1000} explores more, {@code -Dring.trace=true} prints each run. */
  static LongStream seeds() {
    String[] range = System.getProperty("ring.seeds", "1-30").split("-");
    return LongStream.rangeClosed(Long.parseLong(range[0]), Long.parseLong(range[1]));
  }

  @BeforeAll
  static void traceTheRings() {
    RingTrace.install();
  }

  @AfterAll
  static void logAsBefore() {
    RingTrace.uninstall();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void theRingStaysSafeAndMakesProgress(long seed) {
    RingSim sim = new RingSim(seed);
    RingTrace.into(sim);
    sim.minLatencyMillis = 1;
    sim.maxLatencyMillis = 60;
    sim.maxDrainMillis = 2_000;
    Run run = new Run(sim, seed);
    try {
      run.go();
    } catch (AssertionError e) {
      // A safety violation carries the trace already (RingSim fails with it).
      throw new AssertionError("seed " + seed + ": " + e.getMessage()
          + (sim.violation() != null ? "" : "\n--- trace (last events) ---\n" + sim.trace()), e);
    }
    if (Boolean.getBoolean("ring.trace")) {
      System.out.println(sim.trace());
    }
    for (Replica r : sim.replicas) {
      if (!r.api.afterClose.isEmpty()) {
        System.out.printf("seed %d: %s (%s) sent after close: %s%n", seed, r, r.crashed ? "abandoned" : "left", r.api.afterClose);
      }
    }
    System.out.printf("seed %d: max unowned %d ms with a healthy replica, %d balance checks, %d events, %d leaves,"
        + " %d slots handed to a member while it was leaving%n", seed, run.maxUnowned, run.balanceChecks, run.events,
        sim.replicas.stream().filter(r -> r.left).count(), sim.handoffsToLeavers);
  }

  /** One seed's run: the random schedule and the progress and balance checks. */
  private static final class Run {
    private final RingSim sim;
    private final Random random;
    private final TreeMap<Long, List<Runnable>> later = new TreeMap<>();
    private final long[] unownedSince = new long[SLOTS];
    private final java.util.Map<Replica, Long> healthySince = new java.util.HashMap<>();
    private long lastEvent;
    /** The last crash, pause or partition: a slot may wait a lease duration on a member that failed. */
    private long lastFailure;
    private long nextEvent;
    private int names;
    long maxUnowned;
    int balanceChecks;
    int events;

    Run(RingSim sim, long seed) {
      this.sim = sim;
      this.random = new Random(seed * 7919);
    }

    void go() {
      sim.start("r" + names++);
      if (random.nextBoolean()) {
        sim.start("r" + names++);
      }
      nextEvent = 3_000;
      while (sim.nowMillis() < RUN_MILLIS) {
        sim.advance(STEP_MILLIS);
        long now = sim.nowMillis();
        while (!later.isEmpty() && later.firstKey() <= now) {
          later.pollFirstEntry().getValue().forEach(Runnable::run);
          lastEvent = now;
        }
        if (now >= nextEvent) {
          event();
          events++;
          lastEvent = now;
          nextEvent = now + (random.nextInt(6) == 0 ? QUIET + 20_000 : 500 + random.nextInt(8_000));
        }
        checkProgress(now);
        checkBalance(now);
      }
    }

    private void event() {
      List<Replica> running = select(r -> !r.crashed && !r.left);
      List<Replica> awake = select(r -> !r.crashed && !r.left && !r.clock.paused());
      int choice = random.nextInt(100);
      if (running.isEmpty() || (choice < 20 && running.size() < MAX_REPLICAS)) {
        sim.start("r" + names++);
      } else if (choice < 32 && !awake.isEmpty()) {
        Replica r = pick(awake);
        sim.log("EVENT leave " + r);
        r.left = true;
        r.onRing(r.ring::leave);
      } else if (choice < 42) {
        Replica r = pick(running);
        boolean abandon = !r.clock.paused() && random.nextBoolean();
        lastFailure = sim.nowMillis();
        sim.log("EVENT crash " + r + (abandon ? " (abandon)" : " (silent)"));
        r.crashed = true;
        if (abandon) {
          r.onRing(r.ring::abandon);
        } else {
          r.clock.crash();
        }
      } else if (choice < 50 && !awake.isEmpty()) {
        Replica r = pick(awake);
        int lag = 2_000 + random.nextInt(20_000);
        long length = 5_000 + random.nextInt(30_000);
        lastFailure = sim.nowMillis();
        sim.log("EVENT watch of " + r + " lags " + lag + " ms for " + length + " ms");
        r.api.watchLagMillis = lag;
        at(sim.nowMillis() + length, () -> {
          sim.log("EVENT watch of " + r + " keeps up");
          r.api.watchLagMillis = 0;
        });
      } else if (choice < 70 && !awake.isEmpty()) {
        Replica r = pick(awake);
        long pause = random.nextInt(4) == 0 ? 10_000 + random.nextInt(15_000) : 100 + random.nextInt(9_000);
        lastFailure = sim.nowMillis();
        sim.log("EVENT pause " + r + " for " + pause + " ms");
        r.clock.pause();
        at(sim.nowMillis() + pause, () -> {
          sim.log("EVENT resume " + r);
          r.clock.resume();
        });
      } else {
        List<Replica> reachable = select(r -> !r.crashed && !r.left && !r.api.partitioned());
        if (reachable.isEmpty()) {
          return;
        }
        Replica r = pick(reachable);
        boolean hang = random.nextBoolean();
        long length = random.nextInt(3) == 0 ? 12_000 + random.nextInt(20_000) : 200 + random.nextInt(9_000);
        lastFailure = sim.nowMillis();
        sim.log("EVENT partition " + r + (hang ? " (requests hang)" : " (requests fail)") + " for " + length
            + " ms");
        r.api.partition(hang);
        at(sim.nowMillis() + length, () -> {
          sim.log("EVENT heal " + r);
          r.api.heal();
        });
      }
    }

    private void checkProgress(long now) {
      // Each replica judges expiry from when it first saw a Lease: the clock starts when the
      // longest-healthy of the replicas healthy now became healthy.
      // A live member whose watch lags cannot see slots handed to it, and no one else may take
      // them: that counts as a failure for as long as it lasts.
      if (sim.replicas.stream().anyMatch(r -> !r.crashed && !r.left && r.lagging())) {
        lastFailure = now;
      }
      long observingSince = Long.MAX_VALUE;
      for (Replica r : sim.replicas) {
        if (!r.healthy()) {
          healthySince.remove(r);
        } else {
          observingSince = Math.min(observingSince, healthySince.computeIfAbsent(r, x -> now));
        }
      }
      for (int slot = 0; slot < SLOTS; slot++) {
        if (observingSince == Long.MAX_VALUE || !sim.owners(slot).isEmpty()) {
          unownedSince[slot] = now;
          continue;
        }
        long unowned = now - Math.max(Math.max(unownedSince[slot], observingSince), lastFailure);
        maxUnowned = Math.max(maxUnowned, unowned);
        if (unowned > UNOWNED_BOUND) {
          sim.log("STATE " + sim.describe(slot));
        }
        assertThat(unowned).as("slot %d without an owner while a replica was healthy (seed's run at %d ms)", slot,
            now).isLessThanOrEqualTo(UNOWNED_BOUND);
      }
    }

    private void checkBalance(long now) {
      List<Replica> running = select(r -> !r.crashed && !r.left);
      if (now - lastEvent < QUIET || running.isEmpty() || !running.stream().allMatch(Replica::healthy)) {
        return;
      }
      balanceChecks++;
      int n = running.size();
      int total = 0;
      for (Replica r : running) {
        assertThat(r.owned()).as("%s owns floor or ceil of %d/%d at %d ms", r, SLOTS, n, now)
            .isBetween(SLOTS / n, (SLOTS + n - 1) / n);
        total += r.owned();
      }
      assertThat(total).as("every slot owned at %d ms", now).isEqualTo(SLOTS);
    }

    private List<Replica> select(Predicate<Replica> which) {
      return new ArrayList<>(sim.replicas.stream().filter(which).toList());
    }

    private Replica pick(List<Replica> from) {
      return from.get(random.nextInt(from.size()));
    }

    private void at(long millis, Runnable action) {
      later.computeIfAbsent(millis, k -> new ArrayList<>()).add(action);
    }
  }
}
