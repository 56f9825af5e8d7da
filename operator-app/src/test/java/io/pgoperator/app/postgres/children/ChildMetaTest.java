package io.pgoperator.app.postgres.children;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.Clusters;
import org.junit.jupiter.api.Test;

class ChildMetaTest {

  @Test
  void labelsFollowTheRecommendedScheme() {
    assertThat(ChildMeta.labels("orders", "config")).containsExactly(
        entry("app.kubernetes.io/name", "postgresql"),
        entry("app.kubernetes.io/instance", "orders"),
        entry("app.kubernetes.io/managed-by", "pg-operator"),
        entry("app.kubernetes.io/component", "config"));
  }

  @Test
  void podSelectorLeavesOutManagedBy() {
    assertThat(ChildMeta.podSelector("orders")).containsOnly(
        entry("app.kubernetes.io/name", "postgresql"),
        entry("app.kubernetes.io/instance", "orders"),
        entry("app.kubernetes.io/component", "database"));
  }

  @Test
  void ownerReferenceIsABlockingControllerReference() {
    OwnerReference ref = ChildMeta.ownerReference(Clusters.full("orders"));
    assertThat(ref.getApiVersion()).isEqualTo("postgres.example.com/v1alpha1");
    assertThat(ref.getKind()).isEqualTo("PostgresCluster");
    assertThat(ref.getName()).isEqualTo("orders");
    assertThat(ref.getUid()).isEqualTo(Clusters.UID);
    assertThat(ref.getController()).isTrue();
    assertThat(ref.getBlockOwnerDeletion()).isTrue();
  }

  @Test
  void clusterWithoutUidIsRefused() {
    PostgresCluster cluster = Clusters.full("orders");
    cluster.getMetadata().setUid(null);
    assertThatThrownBy(() -> ChildMeta.ownerReference(cluster))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shop/orders").hasMessageContaining("uid");
  }
}
