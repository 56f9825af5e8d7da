package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.pgoperator.api.v1alpha1.PostgresCluster;
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
  void theStateThatStopsAnEmptyPrimaryIsWrittenOnceAnInstanceWasReadyAndKeptForGood() {
    PostgresCluster cluster = Clusters.full("orders");
    StatefulSet starting = DesiredChildren.of(cluster, Observed.nothing()).statefulSet();
    assertThat(DesiredChildren.of(cluster, Observed.nothing()).state()).as("a new cluster").isEmpty();
    assertThat(DesiredChildren.of(cluster, new Observed(null, null, null, null, null, null, null, null, null, starting, null)).state())
        .as("no instance ready yet").isEmpty();

    StatefulSet oneReady = DesiredChildren.of(cluster, Observed.nothing()).statefulSet();
    oneReady.setStatus(new StatefulSetStatusBuilder().withReplicas(3).withReadyReplicas(1).build());
    Optional<ConfigMap> state = DesiredChildren.of(cluster,
        new Observed(null, null, null, null, null, null, null, null, null, oneReady, null)).state();
    assertThat(state).get().satisfies(cm -> {
      assertThat(cm.getMetadata().getName()).isEqualTo("orders-state");
      assertThat(cm.getData()).containsExactly(Map.entry("initialised", "true"));
    });

    // Later no instance is ready (instance 0's volume came back empty): the record stays.
    assertThat(DesiredChildren.of(cluster, new Observed(null, null, null, null, null, state.get(), null, null, null, starting, null))
        .state()).isPresent();
    PostgresCluster recorded = Clusters.full("orders");
    recorded.setStatus(ClusterStatus.reconciled(recorded, starting, true, true, Instant.EPOCH));
    assertThat(recorded.getStatus().getInitialised()).isTrue();
    assertThat(DesiredChildren.of(recorded, Observed.nothing()).state()).as("from the status alone").isPresent();
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
