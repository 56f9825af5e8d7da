package io.pgoperator.runtime.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import io.pgoperator.runtime.testing.faults.Fault;
import io.pgoperator.runtime.testing.faults.ProxyRecord;
import io.pgoperator.runtime.testing.faults.RequestClass;
import io.pgoperator.runtime.testing.faults.Selector;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Leadership and fencing with the API server misbehaving for one replica or for all, through the
 * {@link io.pgoperator.runtime.testing.faults.FaultProxy}; what reached the API server is judged
 * from the proxy's own log. Timings 4 s / 3 s / 1 s: a write may take 0.92 s, a Lease request 1.5 s.
 */
@ExtendWith(EnvtestDiagnostics.class)
class FencingUnderFaultsIT {

  private static final Duration LEASE = Duration.ofSeconds(4);
  private static final Duration RENEW = Duration.ofSeconds(3);
  private static final Duration RETRY = Duration.ofSeconds(1);

  private Replicas replicas;

  @AfterEach
  void tearDown() throws Exception {
    if (replicas != null) {
      replicas.close();
    }
  }

  @Test
  void aWriteHeldAcrossTheEndOfItsTermNeverReachesTheApiServerAfterTheTakeover() throws Exception {
    replicas = new Replicas("fence-held", LEASE, RENEW, RETRY);
    replicas.start("a");
    assertThat(replicas.awaitOneLeader()).isEqualTo("a");
    replicas.start("b");

    // a's writes are held in the network for 8 s and it can no longer renew: its term ends.
    replicas.proxy.inject(Selector.of(Set.of("a"), Set.of(RequestClass.WRITE)), Fault.delay(Duration.ofSeconds(8)));
    replicas.proxy.inject(Selector.of(Set.of("a"), Set.of(RequestClass.LEASE)), Fault.status(503));
    replicas.createIn("x");

    Await.until("b took over and reconciled x", () -> replicas.writerOf("x") != null
        && replicas.writerOf("x").startsWith("b "));
    Instant takeover = replicas.acquiredAt();
    Await.until("every write a sent is over", () -> writesOf("a").stream().allMatch(r -> r.answered() != null));

    assertThat(writesOf("a")).as("a tried to write x while it led").anySatisfy(r -> assertThat(r.fault()).isNotNull());
    assertThat(writesOf("a")).as("none of a's writes reached the API server after b acquired the Lease")
        .noneSatisfy(r -> assertThat(r.forwarded() != null && r.forwarded().isAfter(takeover)).isTrue());
    assertThat(replicas.writerOf("x")).startsWith("b ");
  }

  @Test
  void leaseRequestsAnswered503AreRetriedByTheElectorOnlyNotByTheClient() throws Exception {
    replicas = new Replicas("fence-503", LEASE, RENEW, RETRY);
    replicas.start("a");
    replicas.awaitOneLeader();
    Instant from = Instant.now();
    replicas.proxy.inject(Selector.of(Set.of("a"), Set.of(RequestClass.LEASE)), Fault.status(503));

    Await.until("a stepped down and kept trying", () -> replicas.leaders().isEmpty() && refusedLeaseRequests(from).size() >= 5);

    List<ProxyRecord> refused = refusedLeaseRequests(from);
    for (int i = 1; i < refused.size(); i++) {
      assertThat(Duration.between(refused.get(i - 1).received(), refused.get(i).received()))
          .as("no request repeated at once by the client (the elector waits a retry period): " + refused)
          .isGreaterThanOrEqualTo(RETRY.dividedBy(2));
    }
    replicas.proxy.clear();
    assertThat(replicas.awaitOneLeader()).as("leads again once the API answers").isEqualTo("a");
  }

  @Test
  void anApiOutageLongerThanTheLeaseEndsWithExactlyOneLeaderReconcilingWithoutRestarts() throws Exception {
    replicas = new Replicas("fence-outage", LEASE, RENEW, RETRY);
    replicas.start("a");
    replicas.awaitOneLeader();
    replicas.start("b");
    Instant down = Instant.now();
    replicas.proxy.outage(true);
    Await.until("nobody leads during the outage", () -> replicas.leaders().isEmpty());
    Duration outage = LEASE.plus(RENEW);
    Await.until("the outage outlasts the lease", outage.plusSeconds(10), () -> Instant.now().isAfter(down.plus(outage)));
    replicas.proxy.outage(false);

    String leader = replicas.awaitOneLeader();
    replicas.createIn("after");
    Await.until("the new leader reconciles", () -> replicas.writerOf("after") != null);
    assertThat(replicas.writerOf("after")).startsWith(leader + " ");
    assertThat(replicas.leaders()).containsExactly(leader);
  }

  @Test
  void afterAnOutageTheLeaderWaitsForItsWatchesInsteadOfActingOnAStaleCache() throws Exception {
    replicas = new Replicas("fence-stale", LEASE, RENEW, RETRY);
    replicas.start("a");
    replicas.awaitOneLeader();
    replicas.start("b");
    replicas.createIn("gone");
    Await.until("in-gone reconciled", () -> replicas.hasOut("gone"));
    replicas.deleteOut("gone");

    Instant down = Instant.now();
    replicas.proxy.outage(true);
    replicas.deleteIn("gone"); // while the operator cannot see it
    Duration outage = LEASE.plus(RENEW);
    Await.until("the outage outlasts the lease", outage.plusSeconds(10), () -> Instant.now().isAfter(down.plus(outage)));
    // The API comes back for the Lease and for writes first; lists and watches stay cut a while, so
    // the caches still hold in-gone when a replica leads again (as when informers back off longer
    // than the elector after a long outage).
    replicas.proxy.inject(Selector.classes(RequestClass.READ, RequestClass.WATCH), Fault.reset());
    replicas.proxy.outage(false);

    String leader = replicas.awaitOneLeader();
    Await.until("the new leader queued its cached keys", () -> replicas.backlog(leader) > 0 || replicas.hasOut("gone"));
    replicas.proxy.clear();
    replicas.createIn("fresh");
    Await.until("the leader reconciled the fresh object and has nothing left to do",
        () -> replicas.hasOut("fresh") && replicas.backlog(leader) == 0);
    assertThat(replicas.hasOut("gone")).as("in-gone, deleted during the outage, was not acted on from a stale cache"
        + " (out-gone written by: %s)", replicas.writerOf("gone")).isFalse();
    assertThat(replicas.metric(leader, "controller_cache_catch_ups_total{")).as("the leader caught up after the outage")
        .isPositive();
  }

  @Test
  void watchesRestartedByTheApiServerPauseReconcilesWithoutAList() throws Exception {
    replicas = new Replicas("fence-restart", LEASE, RENEW, RETRY);
    // Every watch ends after a second, as each does after its timeout, and the next one is held a
    // while on its way: long enough for the controller to see the watch down, far from an outage.
    replicas.proxy.watchTimeout(Duration.ofSeconds(1));
    replicas.proxy.inject(Selector.classes(RequestClass.WATCH), Fault.delay(Duration.ofMillis(300)));
    replicas.start("a");
    String leader = replicas.awaitOneLeader();
    // Slow writes keep keys waiting across the restarts.
    replicas.proxy.inject(Selector.classes(RequestClass.WRITE), Fault.delay(Duration.ofMillis(100)));
    long before = replicas.proxy.log().stream().mapToLong(ProxyRecord::id).max().orElse(0);
    int objects = 40; // about 5 s of writes, 100 ms each, one at a time
    for (int i = 0; i < objects; i++) {
      replicas.createIn("restart-" + i);
    }
    Await.until("every object reconciled", Duration.ofSeconds(60),
        () -> replicas.hasOut("restart-" + (objects - 1)) && replicas.backlog(leader) == 0);

    List<ProxyRecord> since = replicas.proxy.log().stream().filter(r -> r.id() > before && r.caller().equals("a"))
        .toList();
    List<ProxyRecord> watches = since.stream()
        .filter(r -> r.requestClass() == RequestClass.WATCH && r.path().endsWith("/configmaps")).toList();
    List<ProxyRecord> lists = since.stream()
        .filter(r -> r.requestClass() == RequestClass.READ && r.path().endsWith("/configmaps")).toList();
    assertThat(watches).as("the API server ended the watch again and again").hasSizeGreaterThanOrEqualTo(3);
    assertThat(replicas.metric(leader, "controller_cache_watch_restarts_total{"))
        .as("the controller saw watches down and back within the grace").isPositive();
    assertThat(lists).as("no quorum list for a restarted watch").isEmpty();
    assertThat(replicas.metric(leader, "controller_cache_catch_ups_total{")).isZero();
    assertThat(replicas.metric(leader, "controller_cache_held{")).isZero();
  }

  @Test
  void aSlowApiServerStillYieldsALeaderThatWrites() throws Exception {
    // 6 s / 3 s: a write may take 2.88 s; writes take 1.5 s here, Lease requests 0.7 s.
    replicas = new Replicas("fence-slow", Duration.ofSeconds(6), RENEW, RETRY);
    replicas.proxy.inject(Selector.classes(RequestClass.WRITE), Fault.delay(Duration.ofMillis(1500)));
    replicas.proxy.inject(Selector.classes(RequestClass.LEASE), Fault.delay(Duration.ofMillis(700)));
    replicas.start("a");
    replicas.start("b");

    String leader = replicas.awaitOneLeader();
    replicas.createIn("slow");
    Await.until("the leader's slow write lands", () -> replicas.writerOf("slow") != null);
    assertThat(replicas.writerOf("slow")).startsWith(leader + " ");
  }

  @Test
  void aStandbysLeaseWatchIsReestablishedAfterItFails() throws Exception {
    replicas = new Replicas("fence-watch", LEASE, RENEW, RETRY);
    replicas.start("a");
    replicas.awaitOneLeader();
    replicas.start("b");
    Await.until("b watches the Lease", () -> !leaseWatchesOf("b", Instant.EPOCH).isEmpty());

    replicas.proxy.inject(Selector.of(Set.of("b"), Set.of(RequestClass.LEASE)), Fault.reset());
    replicas.proxy.outage(true); // cuts b's open watch (and everything else, briefly)
    replicas.proxy.outage(false);
    Await.until("b's Lease requests fail", () -> replicas.proxy.log().stream()
        .anyMatch(r -> "b".equals(r.caller()) && r.requestClass() == RequestClass.LEASE && "reset".equals(r.fault())));
    Instant healed = Instant.now();
    replicas.proxy.clear();

    Await.until("b watches the Lease again", () -> !leaseWatchesOf("b", healed).isEmpty());
    assertThat(replicas.leaders()).containsExactly("a");
  }

  private List<ProxyRecord> writesOf(String caller) {
    return replicas.proxy.log().stream()
        .filter(r -> caller.equals(r.caller()) && r.requestClass() == RequestClass.WRITE).toList();
  }

  /**
   * The elector's reads and writes of the Lease that were refused; not its watch, whose reconnects
   * (when the watch happens to restart during the fault) follow the read client's own backoff.
   */
  private List<ProxyRecord> refusedLeaseRequests(Instant from) {
    return replicas.proxy.log().stream()
        .filter(r -> "a".equals(r.caller()) && r.requestClass() == RequestClass.LEASE && !r.received().isBefore(from)
            && Integer.valueOf(503).equals(r.status()) && !r.isWatch())
        .toList();
  }

  private List<ProxyRecord> leaseWatchesOf(String caller, Instant from) {
    return replicas.proxy.log().stream()
        .filter(r -> caller.equals(r.caller()) && r.requestClass() == RequestClass.LEASE && r.isWatch()
            && !r.received().isBefore(from)
            && r.fault() == null)
        .toList();
  }
}
