package io.pgoperator.runtime.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgoperator.runtime.time.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Giving leadership up: release on shutdown, and exit on loss. Run synchronously like {@link
 * LeaseElectorTest}. Defaults: lease 15 s, renew deadline 10 s, retry 2 s.
 */
class LeaseElectorReleaseTest {

  private static final String ME = "me_1";
  private static final String OTHER = "other_2";

  private FakeClock clock;
  private FakeLeaseApi.Store store;
  private FakeLeaseApi api;
  private RecordingListener listener;

  @BeforeEach
  void setUp() {
    clock = new FakeClock();
    store = new FakeLeaseApi.Store(clock);
    api = new FakeLeaseApi(store);
    listener = new RecordingListener();
  }

  private LeaderElectionConfig config() {
    return LeaderElectionConfig.of("ns", "lease").withIdentity(ME);
  }

  private LeaseElector elector(LeaderElectionConfig config) {
    LeaseElector elector = new LeaseElector(config, api, clock, new SimpleMeterRegistry(), max -> 0);
    elector.addListener(listener);
    return elector;
  }

  private LeaseElector started() {
    LeaseElector elector = elector(config());
    elector.start();
    return elector;
  }

  private void advance(long millis) {
    clock.advance(Duration.ofMillis(millis));
  }

  private LeaseRecord heldBy(String holder, Instant renewTime) {
    return new LeaseRecord(holder, 15, renewTime, renewTime, 3, null);
  }

  @Test
  void releaseTellsListenersThenClearsTheHolderForAFastHandover() {
    LeaseElector elector = started();
    advance(2000);
    LeaderTerm term = elector.currentTerm();
    LeaseRecord before = store.current();
    List<String> holderWhenTold = new ArrayList<>();
    listener.onStopped = t -> holderWhenTold.add(store.current().holderIdentity() + (t.isValid() ? " valid" : " ended"));
    advance(500);

    var done = elector.release();

    assertThat(done.succeeded()).isTrue();
    assertThat(holderWhenTold).containsExactly(ME + " ended");
    assertThat(term.isValid()).isFalse();
    assertThat(elector.currentTerm()).isNull();
    assertThat(api.lastCall().sent().resourceVersion()).isEqualTo(before.resourceVersion());
    LeaseRecord after = store.current();
    assertThat(after.holderIdentity()).isEmpty();
    assertThat(after.leaseDurationSeconds()).isEqualTo(1);
    assertThat(after.renewTime()).isEqualTo(clock.wallTime());
    assertThat(after.acquireTime()).isEqualTo(clock.wallTime());
    assertThat(after.leaseTransitions()).isEqualTo(before.leaseTransitions());
    assertThat(api.closed).isTrue();

    long calls = api.calls.size();
    advance(60_000);
    assertThat(api.calls).hasSize((int) calls); // stopped competing
  }

  @Test
  void releaseWithoutReleaseOnCancelWritesNothing() {
    LeaseElector elector = elector(config().withReleaseOnCancel(false));
    elector.start();
    int writes = store.writes;
    int calls = api.calls.size();

    assertThat(elector.release().succeeded()).isTrue();

    assertThat(elector.isLeader()).isFalse();
    assertThat(listener.events).containsExactly("started 1", "stopped 1");
    assertThat(store.writes).isEqualTo(writes);
    assertThat(api.calls).hasSize(calls);
    assertThat(store.current().holderIdentity()).isEqualTo(ME);
  }

  @Test
  void releaseCompletesWithinTheRenewDeadlineWhenTheApiHangs() {
    LeaseElector elector = started();
    api.manual = true;

    var done = elector.release();
    assertThat(done.isComplete()).isFalse();
    assertThat(elector.isLeader()).isFalse();

    advance(10_000);
    assertThat(done.succeeded()).isTrue();
  }

  @Test
  void releaseWaitsForAnInFlightRenewAndReleasesWithItsResourceVersion() {
    LeaseElector elector = started();
    api.manual = true;
    advance(2000); // renew in flight

    var done = elector.release();
    assertThat(done.isComplete()).isFalse();
    api.answerNext(); // the renew lands
    assertThat(api.lastCall().op()).isEqualTo("update");
    assertThat(api.lastCall().sent().holderIdentity()).isEmpty();
    api.answerNext();

    assertThat(done.succeeded()).isTrue();
    assertThat(store.current().holderIdentity()).isEmpty();
    assertThat(listener.events).containsExactly("started 1", "stopped 1");
  }

  @Test
  void aStandbyReleasesWithoutWriting() {
    store.put(heldBy(OTHER, clock.wallTime()));
    LeaseElector elector = started();
    int writes = store.writes;

    assertThat(elector.release().succeeded()).isTrue();

    assertThat(store.writes).isEqualTo(writes);
    assertThat(listener.events).isEmpty();
  }

  @Test
  void exitOnLostLeadershipCallsTheExitInsteadOfCompetingAgain() {
    List<String> exits = new ArrayList<>();
    LeaseElector elector = elector(config().withExitOnLostLeadership(true)).onLostLeadershipExit(() -> exits.add("exit"));
    elector.start();
    api.failure = new IllegalStateException("API server unavailable");

    advance(10_000);
    assertThat(exits).containsExactly("exit");
    assertThat(listener.events).containsExactly("started 1", "stopped 1");

    api.failure = null;
    int calls = api.calls.size();
    advance(30_000);
    assertThat(api.calls).hasSize(calls);
    assertThat(elector.isLeader()).isFalse();
  }

  @Test
  void twoElectorsShareOneLeaseAndHandOverOnRelease() {
    FakeLeaseApi otherApi = new FakeLeaseApi(store);
    LeaseElector first = started();
    LeaseElector second = new LeaseElector(config().withIdentity(OTHER), otherApi, clock, new SimpleMeterRegistry(),
        max -> 0);
    second.start();
    advance(30_000);
    assertThat(first.isLeader()).isTrue();
    assertThat(second.isLeader()).isFalse();
    assertThat(second.observedHolder()).contains(ME);

    first.release();
    clock.runDue();

    assertThat(second.isLeader()).isTrue();
    assertThat(store.current().holderIdentity()).isEqualTo(OTHER);
    assertThat(first.isLeader()).isFalse();
  }
}
