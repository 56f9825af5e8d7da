package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterStatus;
import io.pgoperator.api.v1alpha1.StorageSpec;
import io.pgoperator.app.postgres.children.PostgresStatefulSet;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DesiredChildrenTest {

  @Test
  void theStatefulSetRecordsTheMajorVersionItsDataIsAt() {
    PostgresCluster cluster = Clusters.full("orders");
    StatefulSet statefulSet = DesiredChildren.of(cluster, Observed.nothing()).statefulSet();
    assertThat(statefulSet.getMetadata().getAnnotations())
        .containsEntry(DesiredChildren.POSTGRES_VERSION_ANNOTATION, "16");
    assertThat(DesiredChildren.runningMajorVersion(statefulSet)).isEqualTo(16);
  }

  @Test
  void theVolumeClaimTemplatesOfAnExistingStatefulSetAreKept() {
    PostgresCluster cluster = Clusters.full("orders");
    StatefulSet existing = DesiredChildren.of(cluster, Observed.nothing()).statefulSet();
    cluster.getSpec().setStorage(new StorageSpec("50Gi", "standard"));
    Observed observed = new Observed(null, null, null, null, null, null, null, null, null, existing, null);

    StatefulSet desired = DesiredChildren.of(cluster, observed).statefulSet();

    assertThat(SpecValidation.volumeSize(desired)).isEqualTo("10Gi");
    assertThat(SpecValidation.volumeSize(PostgresStatefulSet.build(cluster))).isEqualTo("50Gi");
  }

  @Test
  void replicaOnlyChildrenExistWithMoreThanOneInstance() {
    DesiredChildren single = DesiredChildren.of(Clusters.minimal("demo"), Observed.nothing());
    assertThat(single.readOnly()).isEmpty();
    assertThat(single.disruptionBudget()).isEmpty();
    DesiredChildren three = DesiredChildren.of(Clusters.full("orders"), Observed.nothing());
    assertThat(three.readOnly()).isPresent();
    assertThat(three.disruptionBudget()).isPresent();
  }

  @Test
  void theStateNamesTheRecordedPrimaryAndSaysInitialisedOnceAnInstanceWasReadyAndForGood() {
    PostgresCluster cluster = Clusters.full("orders");
    StatefulSet starting = DesiredChildren.of(cluster, Observed.nothing()).statefulSet();
    assertThat(DesiredChildren.of(cluster, Observed.nothing()).state().getData()).as("a new cluster")
        .containsExactly(Map.entry("primary", "orders-0"), Map.entry("epoch", "1"));
    assertThat(DesiredChildren.of(cluster, new Observed(null, null, null, null, null, null, null, null, null, starting, null))
        .state().getData()).as("no instance ready yet").doesNotContainKey("initialised");

    StatefulSet oneReady = DesiredChildren.of(cluster, Observed.nothing()).statefulSet();
    oneReady.setStatus(new StatefulSetStatusBuilder().withReplicas(3).withReadyReplicas(1).build());
    ConfigMap state = DesiredChildren.of(cluster,
        new Observed(null, null, null, null, null, null, null, null, null, oneReady, null)).state();
    assertThat(state.getMetadata().getName()).isEqualTo("orders-state");
    assertThat(state.getData()).containsExactly(Map.entry("initialised", "true"), Map.entry("primary", "orders-0"),
        Map.entry("epoch", "1"));

    // Later no instance is ready (the primary's volume came back empty): the record stays.
    assertThat(DesiredChildren.of(cluster, new Observed(null, null, null, null, null, state, null, null, null, starting, null))
        .state().getData()).containsEntry("initialised", "true");
    PostgresCluster recorded = Clusters.full("orders");
    recorded.setStatus(ClusterStatus.reconciled(recorded, starting, true, true, Instant.EPOCH));
    assertThat(recorded.getStatus().getInitialised()).isTrue();
    assertThat(DesiredChildren.of(recorded, Observed.nothing()).state().getData()).as("from the status alone")
        .containsEntry("initialised", "true");
  }

  @Test
  void theStateFollowsTheRecordsTargetDuringAMove() {
    PostgresCluster cluster = Clusters.full("orders");
    PostgresClusterStatus status = new PostgresClusterStatus();
    status.setCurrentPrimary("orders-0");
    status.setTargetPrimary("orders-2");
    status.setPrimaryEpoch(4L);
    cluster.setStatus(status);
    assertThat(DesiredChildren.of(cluster, Observed.nothing()).state().getData())
        .containsEntry("primary", "orders-2").containsEntry("epoch", "4");
  }

  @Test
  void aStatefulSetMadeByAnEarlierVersionKeepsItsImmutablePodManagementPolicy() {
    PostgresCluster cluster = Clusters.full("orders");
    StatefulSet earlier = DesiredChildren.of(cluster, Observed.nothing()).statefulSet();
    assertThat(earlier.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
    earlier.getSpec().setPodManagementPolicy("OrderedReady");
    assertThat(DesiredChildren.of(cluster, new Observed(null, null, null, null, null, null, null, null, null, earlier, null))
        .statefulSet().getSpec().getPodManagementPolicy()).isEqualTo("OrderedReady");
  }

  @Test
  void anUnreadableVersionAnnotationIsIgnored() {
    StatefulSet statefulSet = DesiredChildren.of(Clusters.minimal("demo"), Observed.nothing())
        .statefulSet();
    statefulSet.getMetadata().getAnnotations()
        .put(DesiredChildren.POSTGRES_VERSION_ANNOTATION, "seventeen");
    assertThat(DesiredChildren.runningMajorVersion(statefulSet)).isNull();
    assertThat(DesiredChildren.runningMajorVersion(null)).isNull();
  }
}
