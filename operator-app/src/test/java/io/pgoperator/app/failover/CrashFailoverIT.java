package io.pgoperator.app.failover;

import static io.pgoperator.app.failover.OperatorProcesses.LEASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.EnvtestBinaries;
import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Crash failover on the kubelet's report, with fat-jar processes on a real API server and the
 * test playing the kubelet ({@link Kubelet}: a Pod per replica, its container reported terminated
 * with exit code 137 once a SIGKILLed process is gone). A leader reported dead is replaced before
 * its Lease expires; one the kubelet says nothing about (paused) only at expiry; a restarted
 * container is never mistaken for its dead predecessor.
 */
@ExtendWith(EnvtestDiagnostics.class)
class CrashFailoverIT {

  /** A long lease, so a takeover before it expires can only come from the kubelet's report. */
  private static final Duration LONG_LEASE = Duration.ofSeconds(60);
  private static final List<String> LONG_ELECTION = List.of("--lease-duration=60s", "--renew-deadline=40s",
      "--retry-period=2s");
  private static final Duration FAST_LEASE = Duration.ofSeconds(4);

  @RegisterExtension
  final FailoverLogs failover = new FailoverLogs();

  private static Envtest envtest;
  private static KubernetesClient admin;

  @BeforeAll
  static void crdInstalled() {
    envtest = Envtest.get();
    admin = envtest.client();
    envtest.installCrds(List.of(EnvtestBinaries.repositoryRoot()
        .resolve("deploy/crd/postgresclusters.postgres.example.com-v1.yml")));
  }

  private OperatorProcesses processes(String namespace, List<String> flags) {
    Clusters.createNamespace(admin, namespace);
    return failover.processes(admin, envtest.kubeconfigYaml(), namespace, flags).withKubelet();
  }

  @Test
  void aKilledLeaderReportedTerminatedByTheKubeletIsReplacedBeforeItsLeaseExpires() {
    OperatorProcesses processes = processes("crash-reported", LONG_ELECTION);
    String ns = processes.namespace();
    processes.start(3);
    Replica killed = processes.awaitLeader();
    awaitRenewedInALaterSecond(processes);
    Instant expiry = renewTime(processes.lease()).plus(LONG_LEASE);

    processes.crash(killed);
    Replica next = processes.awaitLeaderOtherThan(killed);
    Clusters.create(admin, ns, "after-crash");
    List<String> writers = Clusters.statusManagers(Clusters.awaitReconciled(admin, ns, "after-crash"));

    assertThat(acquireTime(processes.lease())).as("the new leader acquired before the old Lease expired")
        .isBefore(expiry);
    assertThat(Instant.now()).as("a fresh resource was reconciled before the old Lease expired").isBefore(expiry);
    assertThat(writers).containsExactly(next.identity());
    assertThat(takeovers(next, "holder_terminated")).isEqualTo(1);
    assertThat(takeovers(next, "expired")).isZero();
    assertThat(next.log().contains(line -> line.messageStartsWith("taking over lease " + ns + "/" + LEASE + " from "
        + killed.identity() + " without waiting for it to expire: container operator of pod " + ns + "/"
        + killed.identity() + " terminated"))).as("%s logged why it took over early", next).isTrue();
  }

  @Test
  void aPausedLeaderTheKubeletReportsNothingAboutIsTakenOverOnlyAtExpiryAndNeverOverlaps() {
    OperatorProcesses processes = processes("crash-paused", OperatorProcesses.FAST_ELECTION);
    String ns = processes.namespace();
    processes.start(3);
    Replica paused = processes.awaitLeader();
    Instant renewedBeforePause = renewTime(processes.lease());

    paused.pause();
    Replica next = processes.awaitLeaderOtherThan(paused);

    assertThat(acquireTime(processes.lease())).as("taken only once the Lease expired")
        .isAfterOrEqualTo(renewedBeforePause.plus(FAST_LEASE));
    assertThat(takeovers(next, "expired")).isEqualTo(1);
    assertThat(takeovers(next, "holder_terminated")).isZero();
    long wokeAt = paused.log().size();
    paused.resume();
    Await.until(paused + " stands by after waking", () -> paused.log().linesFrom(wokeAt).stream()
        .anyMatch(line -> line.messageStartsWith("lost leadership of lease")) && paused.reportsStandby(LEASE));
    Clusters.create(admin, ns, "after-wake");
    assertThat(Clusters.statusManagers(Clusters.awaitReconciled(admin, ns, "after-wake")))
        .containsExactly(next.identity());
    assertThat(paused.log().writesFrom(wokeAt)).as("writes %s logged after SIGCONT", paused).isEmpty();
  }

  @Test
  void aRestartedContainerLeadsAndIsNotMistakenForItsDeadPredecessor() {
    OperatorProcesses processes = processes("crash-restarted", LONG_ELECTION);
    List<Replica> replicas = processes.start(2);
    Replica first = processes.awaitLeader();
    Replica other = replicas.stream().filter(r -> r != first).findFirst().orElseThrow();

    awaitRenewedInALaterSecond(processes);
    processes.crash(first);
    processes.awaitLeaderOtherThan(first);
    // The crashed container restarts in the same Pod: its old exit is now the Pod's lastState.
    Replica restarted = processes.restart(first);
    awaitRenewedInALaterSecond(processes);
    processes.crash(other);
    assertThat(processes.awaitLeaderOtherThan(other)).isSameAs(restarted);
    Lease led = processes.lease();

    // The other container restarts too and watches a leader whose Pod shows a past termination.
    Replica watching = processes.restart(other);
    Await.until(watching + " observed " + restarted.identity() + " leading", () -> watching.reportsStandby(LEASE)
        && watching.log().contains(line -> line.message().equals("new leader observed for lease "
            + processes.namespace() + "/" + LEASE + ": " + restarted.identity())));
    Instant renewedAfter = renewTime(led).plusSeconds(6);
    Await.until("three more renewals by " + restarted, () -> !renewTime(processes.lease()).isBefore(renewedAfter));

    Lease still = processes.lease();
    assertThat(still.getSpec().getHolderIdentity()).isEqualTo(restarted.identity());
    assertThat(acquireTime(still)).as("the same acquisition: no takeover").isEqualTo(acquireTime(led));
    assertThat(takeovers(watching, "holder_terminated")).isZero();
  }

  /**
   * Until the leader has renewed in a later whole second than the one it acquired in. The
   * kubelet's {@code finishedAt} has whole seconds, so a death within the second of the
   * acquisition is (by design, see HolderDeath) no verdict and waits for the expiry.
   */
  private static void awaitRenewedInALaterSecond(OperatorProcesses processes) {
    Await.until("the leader renewed a second after it acquired", () -> {
      Lease lease = processes.lease();
      return lease != null && lease.getSpec().getRenewTime() != null && !renewTime(lease)
          .isBefore(acquireTime(lease).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(1));
    });
  }

  private static Instant renewTime(Lease lease) {
    return lease.getSpec().getRenewTime().toInstant();
  }

  private static Instant acquireTime(Lease lease) {
    return lease.getSpec().getAcquireTime().toInstant();
  }

  /** {@code leader_election_takeovers_total{reason}} on the replica's /metrics. */
  private static double takeovers(Replica replica, String reason) {
    Matcher m = Pattern.compile("^leader_election_takeovers_total\\{[^}]*reason=\"" + reason + "\"[^}]*\\}\\s+(\\S+)",
        Pattern.MULTILINE).matcher(replica.metrics());
    assertThat(m.find()).as("%s exports leader_election_takeovers_total{reason=%s}", replica, reason).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
