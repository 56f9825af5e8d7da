package io.pgoperator.runtime.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The election protocol, run synchronously on an {@link ElectorFixture}. */
class LeaseElectorTest extends ElectorFixture {

  @Test
  void acquiresAnAbsentLeaseByCreatingIt() {
    LeaseElector elector = started();

    assertThat(elector.isLeader()).isTrue();
    assertThat(elector.currentTerm().number()).isEqualTo(1);
    assertThat(listener.events).containsExactly("started 1");
    assertThat(api.calls).extracting(FakeLeaseApi.Call::op).containsExactly("get", "create");
    LeaseRecord lease = store.current();
    assertThat(lease.holderIdentity()).isEqualTo(ME);
    assertThat(lease.leaseDurationSeconds()).isEqualTo(15);
    assertThat(lease.leaseTransitions()).isZero();
    assertThat(lease.acquireTime()).isEqualTo(clock.wallTime()).isEqualTo(lease.renewTime());
    assertThat(elector.observedHolder()).contains(ME);
  }

  @Test
  void acquiresAtOnceWhenTheHolderIsEmpty() {
    store.put(new LeaseRecord("", 1, Instant.EPOCH, Instant.EPOCH, 3, null));
    LeaseElector elector = started();

    assertThat(elector.isLeader()).isTrue();
    assertThat(store.current().holderIdentity()).isEqualTo(ME);
    assertThat(store.current().leaseTransitions()).isEqualTo(4);
    assertThat(store.current().acquireTime()).isEqualTo(clock.wallTime());
    assertThat(store.current().leaseDurationSeconds()).isEqualTo(15);
  }

  @Test
  void renewsEveryRetryPeriodKeepingTheTermAndAcquireTime() {
    LeaseElector elector = started();
    Instant acquired = store.current().acquireTime();
    LeaderTerm term = elector.currentTerm();

    for (int i = 1; i <= 10; i++) {
      advance(2000);
      assertThat(api.count("update")).isEqualTo(i);
      assertThat(store.current().renewTime()).isEqualTo(clock.wallTime());
    }
    // 20 s in, twice the renew deadline: still the same valid term.
    assertThat(elector.currentTerm()).isSameAs(term);
    assertThat(term.isValid()).isTrue();
    assertThat(store.current().acquireTime()).isEqualTo(acquired);
    assertThat(store.current().leaseTransitions()).isZero();
    // Renewing needs no read first.
    assertThat(api.count("get")).isEqualTo(1);
    assertThat(listener.events).containsExactly("started 1");
  }

  @Test
  void conflictOnCreateRereadsInsteadOfOverwriting() {
    api.manual = true;
    LeaseElector elector = started();
    api.answerNext(); // get: absent
    assertThat(api.lastCall().op()).isEqualTo("create");
    store.put(heldBy(OTHER, clock.wallTime())); // someone else wins the race

    api.answerNext(); // create: 409

    assertThat(api.lastCall().op()).isEqualTo("get");
    api.answerNext();
    assertThat(elector.isLeader()).isFalse();
    assertThat(elector.observedHolder()).contains(OTHER);
    assertThat(store.current().holderIdentity()).isEqualTo(OTHER);
    assertThat(api.pending).isEmpty();
  }

  @Test
  void conflictOnRenewRereadsAndStepsDownWhenSomeoneElseHolds() {
    LeaseElector elector = started();
    LeaderTerm term = elector.currentTerm();
    store.put(heldBy(OTHER, clock.wallTime())); // a blind overwrite by another writer
    int writes = store.writes;

    advance(2000); // renew: 409, re-read, someone else holds

    assertThat(term.isValid()).isFalse();
    assertThat(elector.currentTerm()).isNull();
    assertThat(listener.events).containsExactly("started 1", "stopped 1");
    assertThat(store.current().holderIdentity()).isEqualTo(OTHER);
    assertThat(store.writes).isEqualTo(writes);
  }

  @Test
  void failingRenewsEndTheTermExactlyAtTheRenewDeadlineThenANewTermIsWon() {
    LeaseElector elector = started();
    LeaderTerm first = elector.currentTerm();
    api.failure = new IllegalStateException("API server unavailable");

    advance(9999);
    assertThat(first.isValid()).isTrue();
    assertThat(listener.events).containsExactly("started 1");
    advance(1);
    assertThat(first.isValid()).isFalse();
    assertThat(elector.currentTerm()).isNull();
    assertThat(listener.events).containsExactly("started 1", "stopped 1");

    api.failure = null;
    advance(2000);

    LeaderTerm second = elector.currentTerm();
    assertThat(second).isNotNull();
    assertThat(second.number()).isEqualTo(2);
    assertThat(second.isValid()).isTrue();
    assertThat(first.isValid()).isFalse();
    assertThat(listener.events).containsExactly("started 1", "stopped 1", "started 2");
  }

  @Test
  void theTermCountsFromWhenTheRenewWasSentNotWhenItWasAnswered() {
    LeaseElector elector = started(); // acquired at 0 s
    api.manual = true;
    advance(2000); // renew sent at 2 s
    advance(1000);
    api.answerNext(); // ... answered at 3 s; later renews hang
    LeaderTerm term = elector.currentTerm();

    advance(8999);
    assertThat(term.isValid()).isTrue();
    advance(1); // 12 s = sent + renew deadline, not answered + renew deadline

    assertThat(term.isValid()).isFalse();
  }

  @Test
  void withoutWatchEventsAStandbyStillSeesChangesByPolling() {
    store.put(heldBy(OTHER, clock.wallTime()));
    LeaseElector elector = started();
    api.close(); // the watch has silently stopped
    store.put(heldBy("third_3", clock.wallTime()));

    advance(1999);
    assertThat(elector.observedHolder()).contains(OTHER);
    advance(1);

    assertThat(elector.observedHolder()).contains("third_3");
  }

  @Test
  void failedReadsOfAnUnchangedLeaseDoNotRestartAStandbysWait() {
    store.put(heldBy(OTHER, clock.wallTime())); // the holder never renews again
    LeaseElector elector = started();
    advance(1000);
    api.failure = new IllegalStateException("503 from a flaky API server");
    advance(8000); // polls fail and make the standby forget what it saw
    api.failure = null;

    advance(5999); // the next reads show the same record: the wait still counts from 0 s
    assertThat(elector.isLeader()).isFalse();
    advance(1001);

    assertThat(elector.isLeader()).as("taken over at 15 s, the lease duration after it last changed").isTrue();
  }

  @Test
  void aSecondProcessWithTheSameIdentityIsDetectedAndOnlyOneKeepsLeading() {
    LeaseElector first = started();
    assertThat(first.isLeader()).isTrue();
    FakeLeaseApi otherApi = new FakeLeaseApi(store);
    LeaseElector second = new LeaseElector(config(), otherApi, clock, new SimpleMeterRegistry(), max -> 0);
    second.start(); // same identity: it finds "its own" Lease and renews it

    advance(10_000);

    assertThat(List.of(first, second)).filteredOn(LeaseElector::isLeader).hasSize(1);
    LeaseElector refused = first.isLeader() ? second : first;
    assertThat(refused.unhealthyReason()).contains("another process", "writes lease ns/lease as '" + ME + "'",
        "identities must be unique per process");
    int writes = store.writes;
    advance(10_000);
    assertThat(refused.isLeader()).isFalse();
    assertThat(store.writes).isGreaterThan(writes);
  }

  @Test
  void aRestartedProcessTakesOverTheLeaseItsPredecessorHeldUnderTheSameIdentity() {
    store.put(new LeaseRecord(ME, 15, clock.wallTime(), clock.wallTime(), 2, null, "predecessor-instance"));
    LeaseElector elector = started();

    assertThat(elector.isLeader()).isTrue();
    advance(10_000);
    assertThat(elector.isLeader()).isTrue();
    assertThat(elector.unhealthyReason()).isNull();
  }

  @Test
  void aHangingRenewEndsTheTermAtTheRenewDeadline() {
    LeaseElector elector = started();
    LeaderTerm first = elector.currentTerm();
    api.manual = true;

    advance(9999); // the renew sent at 2 s never answers; retries hang too
    assertThat(first.isValid()).isTrue();
    advance(1);

    assertThat(first.isValid()).isFalse();
    assertThat(listener.events).containsExactly("started 1", "stopped 1");

    // The API comes back: the replica competes again and wins a new term.
    api.manual = false;
    api.pending.clear();
    advance(10_000);
    assertThat(elector.currentTerm().number()).isEqualTo(2);
    assertThat(first.isValid()).isFalse();
  }

  @Test
  void aLateAnswerToAnAbandonedRequestIsIgnored() {
    api.manual = true;
    LeaseElector elector = started();
    FakeLeaseApi.Call get = api.pending.peekFirst();

    advance(5000); // the attempt times out (max(retry, renewDeadline / 2)); a retry follows later
    store.put(heldBy(OTHER, clock.wallTime()));
    get.promise().complete(null); // "absent": stale, and abandoned anyway

    assertThat(api.count("create")).isZero();
    assertThat(elector.isLeader()).isFalse();
  }

  @Test
  void standbyWaitsTheLeaseDurationOnItsOwnClockEvenIfRenewTimeIsLongPast() {
    store.put(heldBy(OTHER, Instant.parse("2000-01-01T00:00:00Z")));
    LeaseElector elector = started();

    advance(14_999);
    assertThat(elector.isLeader()).isFalse();
    assertThat(api.count("update")).isZero();
    assertThat(store.current().holderIdentity()).isEqualTo(OTHER);

    advance(1);
    assertThat(elector.isLeader()).isTrue();
    assertThat(store.current().leaseTransitions()).isEqualTo(4);
    assertThat(listener.events).containsExactly("started 1");
  }

  @Test
  void standbyTakesOverAtExpiryEvenIfRenewTimeIsFarInTheFuture() {
    clock.setWallTime(Instant.parse("2026-01-01T00:00:00Z"));
    store.put(heldBy(OTHER, Instant.parse("2100-01-01T00:00:00Z"))); // leader's clock far ahead
    LeaseElector elector = started();

    advance(14_999);
    assertThat(elector.isLeader()).isFalse();
    advance(1);
    assertThat(elector.isLeader()).isTrue();
    assertThat(store.current().renewTime()).isEqualTo(clock.wallTime());
  }

  @Test
  void aChangedRecordRestartsTheStandbysWait() {
    store.put(heldBy(OTHER, clock.wallTime()));
    LeaseElector elector = started();

    advance(10_000);
    store.put(heldBy(OTHER, clock.wallTime())); // the leader renews; the watch tells us
    advance(14_999);
    assertThat(elector.isLeader()).isFalse();
    advance(1);
    assertThat(elector.isLeader()).isTrue();
  }

  @Test
  void standbyTakesOverRightAtExpiryPlusJitterNotAtTheNextPoll() {
    store.put(heldBy(OTHER, clock.wallTime()));
    LeaseElector elector = new LeaseElector(config(), api, clock, new SimpleMeterRegistry(), max -> max);
    elector.start();

    advance(15_199); // jitter: 10 % of the retry period at most, here all of it (200 ms)
    assertThat(elector.isLeader()).isFalse();
    advance(1);
    assertThat(elector.isLeader()).isTrue();
  }

  @Test
  void aWatchedReleaseIsTakenAtOnce() {
    store.put(heldBy(OTHER, clock.wallTime()));
    LeaseElector elector = started();
    advance(500);

    store.put(new LeaseRecord("", 1, clock.wallTime(), clock.wallTime(), 3, null));
    clock.runDue(); // delivers the watch event, without moving time

    assertThat(elector.isLeader()).isTrue();
    assertThat(store.current().leaseTransitions()).isEqualTo(4);
  }

  @Test
  void aTakeoverThatLosesTheRaceRereadsAndWaitsAgain() {
    store.put(heldBy(OTHER, clock.wallTime()));
    LeaseElector elector = started();
    advance(14_000);
    api.manual = true; // from here the test answers requests

    advance(1000); // expiry: the standby sends its takeover
    assertThat(api.lastCall().op()).isEqualTo("update");
    store.put(heldBy(OTHER, clock.wallTime())); // the leader's renew lands first
    api.answerNext(); // 409

    assertThat(api.lastCall().op()).isEqualTo("get");
    api.answerNext();
    assertThat(elector.isLeader()).isFalse();
    assertThat(store.current().holderIdentity()).isEqualTo(OTHER);
  }

  @Test
  void aListenerAddedWhileLeadingIsToldAtOnce() {
    LeaseElector elector = started();
    RecordingListener late = new RecordingListener();

    elector.addListener(late);

    assertThat(late.events).containsExactly("started 1");
  }

  @Test
  void aWatchedDeletionEndsTheTermAtOnce() {
    LeaseElector elector = started();
    LeaderTerm term = elector.currentTerm();
    advance(500);
    store.put(null); // an admin deletes the Lease: a standby could create it right away

    clock.runDue(); // the watch event; the leader checks with a read

    assertThat(term.isValid()).isFalse();
    assertThat(listener.events).startsWith("started 1", "stopped 1");
  }

  @Test
  void aRenewThatFindsTheLeaseDeletedRereadsAtOnce() {
    LeaseElector elector = started();
    api.close(); // no watch events: only the renew can tell
    store.put(null);

    advance(2000); // renew: 404, re-read: absent

    assertThat(listener.events).startsWith("started 1", "stopped 1");
    assertThat(api.calls).extracting(FakeLeaseApi.Call::op).containsSubsequence("update", "get");
  }

  @Test
  void aLaggingWatchEventDoesNotUnseatTheLeader() {
    LeaseRecord old = store.put(heldBy(OTHER, clock.wallTime()));
    LeaseElector elector = started();
    advance(15_000); // takeover
    LeaderTerm term = elector.currentTerm();
    long reads = api.count("get");

    api.emit(old); // the watch still delivers the holder we replaced

    assertThat(api.count("get")).isEqualTo(reads + 1); // checked with a read, which shows us
    assertThat(elector.currentTerm()).isSameAs(term);
    assertThat(term.isValid()).isTrue();
    assertThat(listener.events).containsExactly("started 1");
  }
}
