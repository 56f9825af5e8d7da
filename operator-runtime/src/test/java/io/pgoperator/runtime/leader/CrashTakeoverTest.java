package io.pgoperator.runtime.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Takeover on the kubelet's report: a standby follows the holder's Pod and takes the Lease at
 * once (same compare-and-swap as at expiry) when the holder's process is reported gone, and
 * waits for the expiry in every case of doubt.
 */
class CrashTakeoverTest extends ElectorFixture {

  static final HolderPod THEIRS = new HolderPod("ns", "operator-b", "uid-b", "operator");
  static final HolderPod MINE = new HolderPod("ns", "operator-a", "uid-a", "operator");

  private FakePodWatch pods;
  private SimpleMeterRegistry registry;

  @BeforeEach
  void setUpPods() {
    pods = new FakePodWatch();
    registry = new SimpleMeterRegistry();
  }

  private LeaseElector standby() {
    store.put(new LeaseRecord(OTHER, 15, clock.wallTime(), clock.wallTime(), 3, null, "their-instance", THEIRS));
    LeaseElector elector = new LeaseElector(config().withPod(MINE), api, pods, clock, registry, max -> 0);
    elector.addListener(listener);
    elector.start();
    return elector;
  }

  private Pod terminatedNow() {
    return pod(THEIRS.uid(), HolderDeathTest.terminated("operator", clock.wallTime().plusSeconds(1).toString(), 137,
        "Error"));
  }

  private static Pod pod(String uid, io.fabric8.kubernetes.api.model.ContainerStatus status) {
    return new PodBuilder().withNewMetadata().withNamespace("ns").withName(THEIRS.name()).withUid(uid).endMetadata()
        .withNewStatus().withPhase("Running").withContainerStatuses(status).endStatus().build();
  }

  private double takeovers(String reason) {
    return registry.get("leader_election_takeovers").tag("reason", reason).counter().count();
  }

  @Test
  void aStandbyTakesOverAtOnceWhenTheKubeletReportsTheHoldersProcessGone() {
    LeaseElector elector = standby();
    assertThat(pods.current()).as("the standby follows the holder's Pod").isEqualTo(THEIRS);
    advance(3000);
    assertThat(elector.isLeader()).isFalse();

    pods.report(terminatedNow());

    assertThat(elector.isLeader()).as("taken 3 s in, 12 s before the lease would expire").isTrue();
    LeaseRecord taken = store.current();
    assertThat(taken.holderIdentity()).isEqualTo(ME);
    assertThat(taken.leaseTransitions()).isEqualTo(4);
    assertThat(taken.holderPod()).as("the new holder names its own Pod").isEqualTo(MINE);
    assertThat(taken.acquireTime()).isEqualTo(clock.wallTime());
    assertThat(takeovers("holder_terminated")).isEqualTo(1);
    assertThat(takeovers("expired")).isZero();
    assertThat(pods.current()).as("a leader follows no Pod").isNull();
  }

  @Test
  void aVanishedPodOrAReportOfAnotherPodWaitsForTheExpiry() {
    LeaseElector elector = standby();
    pods.report(null); // force-deleted: the process may still run
    pods.report(pod("uid-recreated", HolderDeathTest.terminated("operator",
        clock.wallTime().plusSeconds(1).toString(), 137, null)));
    pods.report(pod(THEIRS.uid(), HolderDeathTest.running("operator"))); // stale: still running
    advance(14_000);
    assertThat(elector.isLeader()).isFalse();

    advance(1000);
    assertThat(elector.isLeader()).as("at expiry, as always").isTrue();
    assertThat(takeovers("expired")).isEqualTo(1);
    assertThat(takeovers("holder_terminated")).isZero();
  }

  @Test
  void aReportAboutAHolderThatWasMeanwhileReplacedTakesNothing() {
    api.manual = true;
    LeaseElector elector = standby();
    api.answerNext(); // the first read: OTHER holds, in pod THEIRS
    // Someone else took over from OTHER (our watch has not told us yet), then OTHER's death is reported.
    store.put(new LeaseRecord("third_3", 15, clock.wallTime(), clock.wallTime(), 4, null, "third-instance",
        new HolderPod("ns", "operator-c", "uid-c", "operator")));
    pods.report(terminatedNow());

    assertThat(api.lastCall().op()).as("the takeover is a compare-and-swap on the record seen").isEqualTo("update");
    api.answerNext(); // 409: the record changed
    api.answerNext(); // re-read: third_3 holds, alive
    assertThat(elector.isLeader()).isFalse();
    assertThat(store.current().holderIdentity()).isEqualTo("third_3");
    assertThat(pods.current()).as("now following the new holder's Pod").isEqualTo(
        new HolderPod("ns", "operator-c", "uid-c", "operator"));
    assertThat(takeovers("holder_terminated")).isZero();
  }

  @Test
  void aHolderThatNamesNoPodIsTakenOverOnlyAtExpiry() {
    store.put(new LeaseRecord(OTHER, 15, clock.wallTime(), clock.wallTime(), 3, null, "their-instance"));
    LeaseElector elector = new LeaseElector(config(), api, pods, clock, registry, max -> 0);
    elector.start();
    assertThat(pods.current()).isNull();
    advance(14_900);
    assertThat(elector.isLeader()).isFalse();
    advance(100);
    assertThat(elector.isLeader()).isTrue();
    assertThat(store.current().holderPod()).as("without a Pod in its config it names none").isNull();
  }

  @Test
  void aRestartUnderAFixedIdentityWritesAFreshAcquireTime() {
    Instant predecessorAcquired = clock.wallTime();
    store.put(new LeaseRecord(ME, 15, predecessorAcquired, predecessorAcquired, 2, null, "predecessor", MINE));
    advance(5000);
    LeaseElector elector = new LeaseElector(config().withPod(MINE), api, pods, clock, registry, max -> 0);
    elector.start();

    assertThat(elector.isLeader()).isTrue();
    assertThat(store.current().acquireTime())
        .as("dates this process's acquisition, so the predecessor's termination is not taken for this one's")
        .isEqualTo(clock.wallTime()).isAfter(predecessorAcquired);
    Instant acquired = store.current().acquireTime();
    advance(2000);
    assertThat(store.current().acquireTime()).as("its own renewals keep it").isEqualTo(acquired);
  }

  @Test
  void stoppingClosesThePodWatch() {
    LeaseElector elector = standby();
    elector.release();
    assertThat(pods.closed).isTrue();
  }
}
