package io.pgoperator.runtime.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Giving leadership up: release on shutdown, and exit on loss. Run synchronously on an {@link
 * ElectorFixture}, like {@link LeaseElectorTest}.
 */
class LeaseElectorReleaseTest extends ElectorFixture {

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
  void abandonEndsTheTermAndStopsCompetingWithoutWritingEvenWithReleaseOnCancel() {
    LeaseElector elector = started();
    advance(2000);
    LeaderTerm term = elector.currentTerm();
    int writes = store.writes;
    int calls = api.calls.size();

    assertThat(elector.abandon().succeeded()).isTrue();

    assertThat(term.isValid()).isFalse();
    assertThat(elector.isLeader()).isFalse();
    assertThat(listener.events).containsExactly("started 1", "stopped 1");
    assertThat(store.writes).isEqualTo(writes);
    assertThat(store.current().holderIdentity()).as("the Lease expires on its own").isEqualTo(ME);
    advance(60_000);
    assertThat(api.calls).as("no further request: it stopped competing").hasSize(calls);
    assertThat(elector.release().succeeded()).as("a later release changes nothing").isTrue();
    assertThat(store.writes).isEqualTo(writes);
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
