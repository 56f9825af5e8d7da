package io.pgoperator.runtime.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The verdict a standby takes over on at once: only the kubelet's word that the holder's process is gone. */
class HolderDeathTest {

  static final HolderPod HOLDER = new HolderPod("ops", "operator-7c9-abcde", "uid-1", "operator");
  static final Instant ACQUIRED = Instant.parse("2026-11-30T10:00:00.250Z");

  private static LeaseRecord record(Instant renewed) {
    return new LeaseRecord("operator-7c9-abcde_1", 15, ACQUIRED, renewed, 4, "17", "instance-1", HOLDER);
  }

  private static final LeaseRecord HELD = record(Instant.parse("2026-11-30T10:00:06.250Z"));

  @Test
  void aContainerTerminatedAfterTheAcquisitionIsAVerdict() {
    Pod pod = pod("Running", terminated("operator", "2026-11-30T10:00:07Z", 137, "Error"));

    assertThat(HolderDeath.of(HELD, pod)).hasValueSatisfying(reason -> assertThat(reason)
        .contains("container operator of pod ops/operator-7c9-abcde terminated").contains("exit code 137"));
  }

  @Test
  void aContainerRestartedSinceTheAcquisitionIsAVerdict() {
    ContainerStatus restarted = new ContainerStatusBuilder().withName("operator").withRestartCount(3)
        .withNewState().withNewRunning("2026-11-30T10:00:08Z").endState()
        .withNewLastState().withNewTerminated().withExitCode(137).withReason("OOMKilled")
        .withFinishedAt("2026-11-30T10:00:07Z").withStartedAt("2026-11-30T09:59:58Z").endTerminated().endLastState()
        .build();

    assertThat(HolderDeath.of(HELD, pod("Running", restarted))).hasValueSatisfying(reason -> assertThat(reason)
        .contains("terminated and was restarted").contains("OOMKilled"));
  }

  @Test
  void aFailedOrSucceededPodWhoseContainerIsNotRunningIsAVerdict() {
    Pod evicted = new PodBuilder(pod("Failed", terminatedNoTime("operator"))).editStatus().withReason("Evicted")
        .endStatus().build();
    assertThat(HolderDeath.of(HELD, evicted)).hasValueSatisfying(reason -> assertThat(reason)
        .isEqualTo("pod ops/operator-7c9-abcde is Failed (Evicted)"));
    assertThat(HolderDeath.of(HELD, pod("Succeeded", terminatedNoTime("operator")))).isPresent();
  }

  @Test
  void aFailedPodWhoseContainerStillRunsIsNoVerdict() {
    assertThat(HolderDeath.of(HELD, pod("Failed", running("operator")))).isEmpty();
  }

  @Test
  void aVanishedPodIsNoVerdictForceDeletionLeavesTheProcessRunning() {
    assertThat(HolderDeath.of(HELD, null)).isEmpty();
  }

  @Test
  void anotherPodIsNoVerdictSameNameOtherUidOrAnotherName() {
    Pod recreated = new PodBuilder(pod("Running", terminated("operator", "2026-11-30T10:00:07Z", 137, null)))
        .editMetadata().withUid("uid-2").endMetadata().build();
    assertThat(HolderDeath.of(HELD, recreated)).isEmpty();

    Pod other = new PodBuilder(pod("Running", terminated("operator", "2026-11-30T10:00:07Z", 137, null)))
        .editMetadata().withName("operator-7c9-fghij").endMetadata().build();
    assertThat(HolderDeath.of(HELD, other)).isEmpty();
  }

  @Test
  void anotherContainerOfThePodIsNoVerdict() {
    Pod sidecarDied = pod("Running", running("operator"), terminated("sidecar", "2026-11-30T10:00:07Z", 1, null));
    assertThat(HolderDeath.of(HELD, sidecarDied)).isEmpty();
  }

  @Test
  void aStaleReportIsNoVerdictStillRunningOrAPredecessorsTermination() {
    assertThat(HolderDeath.of(HELD, pod("Running", running("operator")))).isEmpty();
    // The process before a restart ended before the holder started, so before it acquired.
    ContainerStatus predecessor = new ContainerStatusBuilder(running("operator"))
        .withNewLastState().withNewTerminated().withExitCode(1).withFinishedAt("2026-11-30T09:59:50Z").endTerminated()
        .endLastState().build();
    assertThat(HolderDeath.of(HELD, pod("Running", predecessor))).isEmpty();
  }

  @Test
  void aDeathWithinTheSecondOfTheAcquisitionIsMissedNeverInvented() {
    // finishedAt is truncated to whole seconds: 10:00:00 may be before or after 10:00:00.250.
    assertThat(HolderDeath.of(HELD, pod("Running", terminated("operator", "2026-11-30T10:00:00Z", 137, null))))
        .isEmpty();
  }

  @Test
  void aRenewalAfterTheReportedTerminationContradictsItNoVerdict() {
    LeaseRecord renewedLater = record(Instant.parse("2026-11-30T10:00:09.100Z"));
    assertThat(HolderDeath.of(renewedLater, pod("Running", terminated("operator", "2026-11-30T10:00:07Z", 137, null))))
        .isEmpty();
    // Within the timestamp's second it is consistent.
    LeaseRecord renewedJustBefore = record(Instant.parse("2026-11-30T10:00:07.900Z"));
    assertThat(HolderDeath.of(renewedJustBefore,
        pod("Running", terminated("operator", "2026-11-30T10:00:07Z", 137, null)))).isPresent();
  }

  @Test
  void aHolderThatNamedNoPodIsNeverJudged() {
    LeaseRecord noPod = new LeaseRecord("client-go-holder", 15, ACQUIRED, ACQUIRED, 1, "3");
    assertThat(HolderDeath.of(noPod, pod("Failed", terminated("operator", "2026-11-30T10:00:07Z", 137, null))))
        .isEmpty();
  }

  @Test
  void podsNamedInAnnotationsRoundTripThroughTheLease() {
    LeaseRecord written = HELD;
    io.fabric8.kubernetes.api.model.coordination.v1.Lease lease = new io.fabric8.kubernetes.api.model.coordination.v1
        .LeaseBuilder().withNewMetadata().withName("l").withNamespace("ops").withResourceVersion("17").endMetadata()
        .withNewSpec().withHolderIdentity(written.holderIdentity()).endSpec().build();
    lease.getMetadata().setAnnotations(java.util.Map.of(
        LeaseRecord.INSTANCE_ANNOTATION, "instance-1",
        LeaseRecord.POD_ANNOTATION, "ops/operator-7c9-abcde",
        LeaseRecord.POD_UID_ANNOTATION, "uid-1",
        LeaseRecord.CONTAINER_ANNOTATION, "operator"));
    assertThat(KubeLeaseApi.toRecord(lease).holderPod()).isEqualTo(HOLDER);

    lease.getMetadata().setAnnotations(java.util.Map.of(LeaseRecord.POD_ANNOTATION, "no-namespace",
        LeaseRecord.POD_UID_ANNOTATION, "uid-1", LeaseRecord.CONTAINER_ANNOTATION, "operator"));
    assertThat(KubeLeaseApi.toRecord(lease).holderPod()).as("malformed: no pod").isNull();
  }

  static Pod pod(String phase, ContainerStatus... containers) {
    return new PodBuilder().withNewMetadata().withNamespace(HOLDER.namespace()).withName(HOLDER.name())
        .withUid(HOLDER.uid()).endMetadata()
        .withNewStatus().withPhase(phase).withContainerStatuses(containers).endStatus().build();
  }

  static ContainerStatus running(String name) {
    return new ContainerStatusBuilder().withName(name).withNewState().withNewRunning("2026-11-30T09:59:59Z")
        .endState().build();
  }

  static ContainerStatus terminated(String name, String finishedAt, int exitCode, String reason) {
    return new ContainerStatusBuilder().withName(name).withNewState().withNewTerminated().withExitCode(exitCode)
        .withReason(reason).withStartedAt("2026-11-30T09:59:59Z").withFinishedAt(finishedAt).endTerminated()
        .endState().build();
  }

  private static ContainerStatus terminatedNoTime(String name) {
    return new ContainerStatusBuilder().withName(name).withNewState().withNewTerminated().withExitCode(0)
        .endTerminated().endState().build();
  }
}
