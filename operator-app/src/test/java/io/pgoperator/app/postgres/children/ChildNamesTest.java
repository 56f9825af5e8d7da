package io.pgoperator.app.postgres.children;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.Clusters;
import org.junit.jupiter.api.Test;

class ChildNamesTest {

  @Test
  void childNamesDeriveFromTheClusterName() {
    assertThat(ChildNames.statefulSet("orders")).isEqualTo("orders");
    assertThat(ChildNames.credentialsSecret("orders")).isEqualTo("orders-credentials");
    assertThat(ChildNames.configMap("orders")).isEqualTo("orders-config");
    assertThat(ChildNames.headlessService("orders")).isEqualTo("orders-pods");
    assertThat(ChildNames.readWriteService("orders")).isEqualTo("orders-rw");
    assertThat(ChildNames.readOnlyService("orders")).isEqualTo("orders-ro");
    assertThat(ChildNames.disruptionBudget("orders")).isEqualTo("orders");
    assertThat(ChildNames.initialPrimary("orders")).isEqualTo("orders-0");
    assertThat(ChildNames.pod("orders", 2)).isEqualTo("orders-2");
  }

  @Test
  void databaseAndOwnerDefaultToTheNameWithUnderscores() {
    PostgresCluster cluster = Clusters.minimal("billing-eu-1");
    assertThat(ChildNames.database(cluster)).isEqualTo("billing_eu_1");
    assertThat(ChildNames.owner(cluster)).isEqualTo("billing_eu_1");
  }

  @Test
  void explicitDatabaseAndOwnerWin() {
    PostgresCluster cluster = Clusters.full("orders");
    assertThat(ChildNames.database(cluster)).isEqualTo("orders");
    assertThat(ChildNames.owner(cluster)).isEqualTo("orders_app");
  }

  @Test
  void invalidIdentifierIsRefusedWithWhatToDo() {
    PostgresCluster cluster = Clusters.minimal("9lives");
    assertThatThrownBy(() -> ChildNames.database(cluster))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shop/9lives")
        .hasMessageContaining("derived from the name")
        .hasMessageContaining("set spec.database");
    cluster.getSpec().setOwner("Robert'); DROP TABLE students;--");
    assertThatThrownBy(() -> ChildNames.owner(cluster))
        .hasMessageContaining("owner").hasMessageContaining("not a valid PostgreSQL identifier");
  }

  @Test
  void primaryHostIsTheReadWriteServiceInTheClusterNamespace() {
    assertThat(ChildNames.primaryHost(Clusters.full("orders"))).isEqualTo("orders-rw.shop.svc");
  }
}
