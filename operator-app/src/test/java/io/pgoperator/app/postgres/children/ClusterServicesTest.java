package io.pgoperator.app.postgres.children;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.pgoperator.app.postgres.Clusters;
import org.junit.jupiter.api.Test;

class ClusterServicesTest {

  @Test
  void headlessServiceListsEveryPodEvenBeforeReady() {
    Service svc = ClusterServices.headless(Clusters.full("orders"));
    assertThat(svc.getMetadata().getName()).isEqualTo("orders-pods");
    assertThat(svc.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(svc.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(svc.getSpec().getSelector()).isEqualTo(ChildMeta.podSelector("orders"));
    assertPostgresPort(svc);
    assertOwnedChild(svc);
  }

  @Test
  void readWriteServiceSelectsThePodLabelledPrimary() {
    Service svc = ClusterServices.readWrite(Clusters.full("orders"));
    assertThat(svc.getMetadata().getName()).isEqualTo("orders-rw");
    assertThat(svc.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(svc.getSpec().getSelector())
        .containsEntry("postgres.example.com/role", "primary")
        .doesNotContainKey("statefulset.kubernetes.io/pod-name")
        .containsAllEntriesOf(ChildMeta.podSelector("orders"));
    assertPostgresPort(svc);
    assertOwnedChild(svc);
  }

  @Test
  void readOnlyServiceExistsOnlyWithReplicasAndSelectsTheStandbys() {
    assertThat(ClusterServices.readOnly(Clusters.minimal("solo"))).isEmpty();

    Service svc = ClusterServices.readOnly(Clusters.full("orders")).orElseThrow();
    assertThat(svc.getMetadata().getName()).isEqualTo("orders-ro");
    assertThat(svc.getSpec().getSelector()).containsAllEntriesOf(ChildMeta.podSelector("orders"))
        .containsEntry("postgres.example.com/role", "replica").hasSize(ChildMeta.podSelector("orders").size() + 1);
    assertPostgresPort(svc);
    assertOwnedChild(svc);
  }

  @Test
  void allListsTheServicesTheClusterShouldHave() {
    assertThat(ClusterServices.all(Clusters.minimal("solo")))
        .extracting(s -> s.getMetadata().getName()).containsExactly("solo-pods", "solo-rw");
    assertThat(ClusterServices.all(Clusters.full("orders")))
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("orders-pods", "orders-rw", "orders-ro");
  }

  private static void assertPostgresPort(Service svc) {
    assertThat(svc.getSpec().getPorts()).singleElement().satisfies((ServicePort p) -> {
      assertThat(p.getPort()).isEqualTo(5432);
      assertThat(p.getTargetPort().getStrVal()).isEqualTo("postgresql");
      assertThat(p.getName()).isEqualTo("postgresql");
    });
  }

  private static void assertOwnedChild(Service svc) {
    assertThat(svc.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(svc.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "pg-operator")
        .containsEntry("app.kubernetes.io/component", "database");
    assertThat(svc.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(ref -> assertThat(ref.getName()).isEqualTo("orders"));
  }
}
