package io.pgoperator.app.failover;

import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import org.junit.jupiter.api.extension.ExtendWith;
import static io.pgoperator.app.failover.OperatorProcesses.LEASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.EnvtestBinaries;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three real operator processes (the fat jar) on a real kube-apiserver, with short election
 * timings: who leads, who takes over after SIGKILL, SIGTERM and SIGSTOP, and who writes. Asserts
 * behaviour only; {@link FailoverBenchmark} measures how fast.
 */
@ExtendWith(EnvtestDiagnostics.class)
class LeaderFailoverIT {

  private static final Duration EXIT = Duration.ofSeconds(60);

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

  private OperatorProcesses processes(String namespace) {
    Clusters.createNamespace(admin, namespace);
    return failover.processes(admin, envtest.kubeconfigYaml(), namespace, OperatorProcesses.FAST_ELECTION);
  }

  @Test
  void threeReplicasElectExactlyOneLeaderAndTheOthersStandBy() {
    OperatorProcesses processes = processes("failover-one-leader");
    List<Replica> replicas = processes.start(3);

    Replica leader = processes.awaitLeader();
    List<Replica> standbys = replicas.stream().filter(r -> r != leader).toList();
    for (Replica standby : standbys) {
      Await.until(standby.identity() + " logs that it observed " + leader.identity() + " leading",
          () -> standby.log().contains(line -> line.message().equals(
              "new leader observed for lease " + processes.namespace() + "/" + LEASE + ": " + leader.identity())));
    }

    assertThat(processes.holder()).isEqualTo(leader.identity());
    assertThat(processes.reportingLeading()).containsExactly(leader);
    assertThat(standbys).allSatisfy(standby -> {
      assertThat(standby.reportsStandby(LEASE)).as("%s reports master_status 0", standby).isTrue();
      assertThat(standby.readyz()).as("%s is ready although it does not lead", standby).isEqualTo(200);
    });
  }

  @Test
  void afterSigkillOfTheLeaderAnotherReplicaLeadsAndReconcilesAClusterCreatedAfterTheKill() {
    OperatorProcesses processes = processes("failover-sigkill");
    processes.start(3);
    Replica killed = processes.awaitLeader();

    killed.kill();
    assertThat(killed.awaitExit(EXIT)).as("exit code of a SIGKILLed JVM").isEqualTo(128 + 9);
    Clusters.create(admin, processes.namespace(), "after-kill");

    Replica next = processes.awaitLeaderOtherThan(killed);
    PostgresCluster reconciled = Clusters.awaitReconciled(admin, processes.namespace(), "after-kill");
    assertThat(Clusters.statusManagers(reconciled)).containsExactly(next.identity());
    // The API server answers before the replica logs the write: wait for the line, do not race it.
    Await.until(next + " logged the status write", () -> next.log().contains(
        ReplicaLog.statusWritten(processes.namespace(), "after-kill")));

    // The killed replica comes back as a standby; the new leader keeps leading.
    Replica restarted = processes.restart(killed);
    Await.until(restarted + " reports master_status 0", () -> restarted.reportsStandby(LEASE));
    assertThat(processes.holder()).isEqualTo(next.identity());
    assertThat(processes.reportingLeading()).containsExactly(next);
  }

  @Test
  void afterSigtermTheLeaderReleasesTheLeaseAndExitsZeroAndAnotherReplicaLeads() {
    OperatorProcesses processes = processes("failover-sigterm");
    processes.start(3);
    Replica terminated = processes.awaitLeader();
    int transitionsBefore = transitions(processes.lease());

    terminated.terminate();
    assertThat(terminated.awaitExit(EXIT)).as("exit code after SIGTERM").isZero();

    Replica next = processes.awaitLeaderOtherThan(terminated);
    assertThat(terminated.log().contains(line -> line.messageStartsWith("released lease")))
        .as("%s logged that it released the Lease", terminated).isTrue();
    assertThat(transitions(processes.lease())).isGreaterThan(transitionsBefore);

    Clusters.create(admin, processes.namespace(), "after-term");
    PostgresCluster reconciled = Clusters.awaitReconciled(admin, processes.namespace(), "after-term");
    assertThat(Clusters.statusManagers(reconciled)).containsExactly(next.identity());
  }

  @Test
  void aLeaderFrozenPastItsLeaseWritesNothingAfterWakingAndRejoinsAsAStandbyThatCanLeadAgain() {
    OperatorProcesses processes = processes("failover-sigstop");
    String ns = processes.namespace();
    List<Replica> replicas = processes.start(3);
    Replica frozen = processes.awaitLeader();
    Clusters.create(admin, ns, "before-stop");
    assertThat(Clusters.statusManagers(Clusters.awaitReconciled(admin, ns, "before-stop")))
        .containsExactly(frozen.identity());
    // Idle before the freeze: no write of it is still in flight when it wakes.
    Await.until(frozen + " logged its status write", () -> frozen.log().contains(ReplicaLog.statusWritten(ns, "before-stop")));

    frozen.pause();
    Replica next = processes.awaitLeaderOtherThan(frozen);
    Clusters.create(admin, ns, "while-stopped");
    Clusters.scale(admin, ns, "before-stop", 2);
    Clusters.awaitReconciled(admin, ns, "while-stopped");
    Clusters.awaitReconciled(admin, ns, "before-stop");

    long wokeAt = frozen.log().size();
    frozen.resume();
    Await.until(frozen + " notices it lost leadership and stands by", () ->
        frozen.log().linesFrom(wokeAt).stream().anyMatch(line -> line.messageStartsWith("lost leadership of lease"))
            && frozen.reportsStandby(LEASE) && frozen.readyz() == 200);
    // Work it would have done as leader: its informers see it, only the leader acts on it.
    Clusters.scale(admin, ns, "while-stopped", 2);
    PostgresCluster changed = Clusters.awaitReconciled(admin, ns, "while-stopped");

    assertThat(frozen.log().writesFrom(wokeAt)).as("writes %s logged after SIGCONT", frozen).isEmpty();
    assertThat(Clusters.statusManagers(changed)).containsExactly(next.identity());
    assertThat(processes.holder()).isEqualTo(next.identity());
    assertThat(processes.reportingLeading()).containsExactly(next);

    // Back to standby without a restart means it can lead again: leave it alone.
    for (Replica other : replicas.stream().filter(r -> r != frozen).toList()) {
      other.kill();
      other.awaitExit(EXIT);
    }
    assertThat(processes.awaitLeader()).isSameAs(frozen);
    Clusters.create(admin, ns, "after-rejoin");
    assertThat(Clusters.statusManagers(Clusters.awaitReconciled(admin, ns, "after-rejoin")))
        .containsExactly(frozen.identity());
  }

  private static int transitions(Lease lease) {
    Integer transitions = lease.getSpec().getLeaseTransitions();
    return transitions == null ? 0 : transitions;
  }
}
