package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.pgoperator.api.v1alpha1.Conditions;
import io.pgoperator.api.v1alpha1.Phase;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClusterStatusTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-03-01T10:05:00Z");

  @Test
  void aFreshClusterIsProvisioningUntilEveryInstanceIsReady() {
    PostgresCluster cluster = Clusters.full("orders");
    PostgresClusterStatus status = ClusterStatus.reconciled(cluster, statefulSet(cluster, 1), true, false, T0);

    assertThat(status.getObservedGeneration()).isEqualTo(1L);
    assertThat(status.getPhase()).isEqualTo(Phase.PROVISIONING);
    assertThat(status.getInstances()).isEqualTo(3);
    assertThat(status.getReadyInstances()).isEqualTo(1);
    assertThat(status.getPrimaryService()).isEqualTo("orders-rw");
    assertThat(status.getReplicaService()).isEqualTo("orders-ro");
    assertThat(status.getSecretName()).isEqualTo("orders-credentials");
    assertThat(condition(status, Conditions.READY)).satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo(Conditions.FALSE);
      assertThat(c.getReason()).isEqualTo(ClusterStatus.REASON_INSTANCES_NOT_READY);
      assertThat(c.getMessage()).isEqualTo("1 of 3 instances ready");
      assertThat(c.getLastTransitionTime()).isEqualTo("2026-03-01T10:00:00Z");
    });
    assertThat(condition(status, Conditions.RECONCILED).getStatus()).isEqualTo(Conditions.TRUE);
  }

  @Test
  void allInstancesReadyMeansRunningAndReady() {
    PostgresCluster cluster = Clusters.full("orders");
    PostgresClusterStatus status = ClusterStatus.reconciled(cluster, statefulSet(cluster, 3), true, false, T0);
    assertThat(status.getPhase()).isEqualTo(Phase.RUNNING);
    assertThat(condition(status, Conditions.READY).getStatus()).isEqualTo(Conditions.TRUE);
    assertThat(condition(status, Conditions.READY).getReason())
        .isEqualTo(ClusterStatus.REASON_INSTANCES_READY);
  }

  @Test
  void aSingleInstanceHasNoReplicaService() {
    PostgresCluster cluster = Clusters.minimal("demo");
    PostgresClusterStatus status = ClusterStatus.reconciled(cluster, statefulSet(cluster, 0), false, false, T0);
    assertThat(status.getReplicaService()).isNull();
    assertThat(status.getInstances()).isEqualTo(1);
    assertThat(status.getReadyInstances()).isZero();
  }

  @Test
  void recomputingAnUnchangedTruthGivesAnEqualStatus() {
    PostgresCluster cluster = Clusters.full("orders");
    cluster.setStatus(ClusterStatus.reconciled(cluster, statefulSet(cluster, 3), true, false, T0));
    PostgresClusterStatus again = ClusterStatus.reconciled(cluster, statefulSet(cluster, 3), true, false, T1);
    assertThat(again).isEqualTo(cluster.getStatus());
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenAConditionFlips() {
    PostgresCluster cluster = Clusters.full("orders");
    cluster.setStatus(ClusterStatus.reconciled(cluster, statefulSet(cluster, 1), true, false, T0));

    PostgresClusterStatus progressed = ClusterStatus.reconciled(cluster, statefulSet(cluster, 2), true, false, T1);
    assertThat(condition(progressed, Conditions.READY).getMessage()).isEqualTo("2 of 3 instances ready");
    assertThat(condition(progressed, Conditions.READY).getLastTransitionTime())
        .isEqualTo("2026-03-01T10:00:00Z");

    PostgresClusterStatus ready = ClusterStatus.reconciled(cluster, statefulSet(cluster, 3), true, false, T1);
    assertThat(condition(ready, Conditions.READY).getLastTransitionTime())
        .isEqualTo("2026-03-01T10:05:00Z");
    assertThat(condition(ready, Conditions.RECONCILED).getLastTransitionTime())
        .isEqualTo("2026-03-01T10:00:00Z");
  }

  @Test
  void losingAnInstanceOfARunningGenerationIsDegradedButAScaleUpIsProvisioning() {
    PostgresCluster cluster = Clusters.full("orders");
    cluster.setStatus(ClusterStatus.reconciled(cluster, statefulSet(cluster, 3), true, false, T0));
    assertThat(ClusterStatus.reconciled(cluster, statefulSet(cluster, 2), true, false, T1).getPhase())
        .isEqualTo(Phase.DEGRADED);

    cluster.getMetadata().setGeneration(2L);
    cluster.getSpec().setInstances(5);
    assertThat(ClusterStatus.reconciled(cluster, statefulSet(cluster, 3), true, false, T1).getPhase())
        .isEqualTo(Phase.PROVISIONING);
  }

  @Test
  void anInvalidSpecFailsBothConditionsAndKeepsWhatIsRunning() {
    PostgresCluster cluster = Clusters.full("orders");
    StatefulSet running = statefulSet(cluster, 3);
    cluster.setStatus(ClusterStatus.reconciled(cluster, running, true, true, T0));
    cluster.getMetadata().setGeneration(2L);
    Observed observed = new Observed(null, null, null, null, null, null, null, null, null, running, null);

    PostgresClusterStatus status = ClusterStatus.invalidSpec(cluster, observed, "fix it", T1);

    assertThat(status.getPhase()).isEqualTo(Phase.FAILED);
    assertThat(status.getObservedGeneration()).isEqualTo(2L);
    assertThat(status.getReadyInstances()).isEqualTo(3);
    for (String type : new String[] {Conditions.READY, Conditions.RECONCILED}) {
      Condition c = condition(status, type);
      assertThat(c.getStatus()).isEqualTo(Conditions.FALSE);
      assertThat(c.getReason()).isEqualTo(ClusterStatus.REASON_INVALID_SPEC);
      assertThat(c.getMessage()).isEqualTo("fix it");
      assertThat(c.getObservedGeneration()).isEqualTo(2L);
      assertThat(c.getLastTransitionTime()).isEqualTo("2026-03-01T10:05:00Z");
    }
  }

  @Test
  void aReconcileErrorFailsReconciledOnly() {
    PostgresCluster cluster = Clusters.minimal("demo");
    PostgresClusterStatus status = ClusterStatus.reconcileError(cluster, Observed.nothing(),
        "create Service shop/demo-pods failed: 403 Forbidden", T0);
    assertThat(status.getPhase()).isEqualTo(Phase.PENDING);
    assertThat(condition(status, Conditions.RECONCILED).getReason())
        .isEqualTo(ClusterStatus.REASON_RECONCILE_ERROR);
    assertThat(condition(status, Conditions.READY).getReason())
        .isEqualTo(ClusterStatus.REASON_INSTANCES_NOT_READY);
    assertThat(status.getSecretName()).isNull();
  }

  @Test
  void theRecordIsKeptAndTheSwitchoverConditionExistsOnlyWhileARequestIsRefused() {
    PostgresCluster cluster = Clusters.full("orders");
    PostgresClusterStatus first = ClusterStatus.reconciled(cluster, statefulSet(cluster, 3), true, true,
        java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.of(outcome(cluster, "no such instance")), T0);
    assertThat(first.getCurrentPrimary()).isEqualTo("orders-0");
    assertThat(first.getTargetPrimary()).isEqualTo("orders-0");
    assertThat(first.getPrimaryEpoch()).isEqualTo(1L);
    assertThat(condition(first, Conditions.PRIMARY_AVAILABLE).getStatus()).isEqualTo(Conditions.TRUE);
    assertThat(condition(first, Conditions.SWITCHOVER).getMessage()).isEqualTo("no such instance");

    cluster.setStatus(first);
    PostgresClusterStatus again = ClusterStatus.reconciled(cluster, statefulSet(cluster, 3), true, true,
        java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.of(outcome(cluster, "no such instance")), T1);
    assertThat(again).as("an unchanged truth computes an equal status").isEqualTo(first);

    PostgresClusterStatus withdrawn = ClusterStatus.reconciled(cluster, statefulSet(cluster, 3), true, true,
        java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.of(outcome(cluster, null)), T1);
    assertThat(withdrawn.getConditions()).extracting(Condition::getType).doesNotContain(Conditions.SWITCHOVER);
  }

  private static io.pgoperator.app.postgres.primary.PrimaryRoles.Outcome outcome(PostgresCluster cluster, String refusal) {
    return new io.pgoperator.app.postgres.primary.PrimaryRoles.Outcome(cluster,
        io.pgoperator.app.postgres.primary.PrimaryRecord.of(cluster),
        new io.pgoperator.app.postgres.primary.PrimaryRoles.Availability(true, "Serving", "orders-0 accepts writes"),
        java.util.Optional.ofNullable(refusal), java.util.Optional.empty());
  }

  private static StatefulSet statefulSet(PostgresCluster cluster, int ready) {
    StatefulSet statefulSet = DesiredChildren.of(cluster, Observed.nothing()).statefulSet();
    statefulSet.setStatus(new StatefulSetStatusBuilder().withReplicas(statefulSet.getSpec().getReplicas())
        .withReadyReplicas(ready).build());
    return statefulSet;
  }

  private static Condition condition(PostgresClusterStatus status, String type) {
    return Conditions.find(status.getConditions(), type).orElseThrow();
  }
}
