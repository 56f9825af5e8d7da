package io.pgoperator.app.deploy;

import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import org.junit.jupiter.api.extension.ExtendWith;
import static io.pgoperator.app.deploy.DeployManifests.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterStatus;
import io.pgoperator.runtime.testing.Envtest;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped RBAC on a real API server, acting as the operator's ServiceAccount through {@link
 * OperatorServiceAccount}: what the operator does is allowed, what it never does is a 403.
 */
@ExtendWith(EnvtestDiagnostics.class)
class OperatorRbacIT {

  private static Envtest envtest;
  private static KubernetesClient admin;
  private static KubernetesClient operator;
  private static String namespace;

  @BeforeAll
  static void actAsTheOperator() {
    envtest = Envtest.get();
    admin = envtest.client();
    operator = new KubernetesClientBuilder().withConfig(OperatorServiceAccount.install(admin)).build();
    namespace = envtest.createNamespace("deploy-rbac");
  }

  @AfterAll
  static void closeClient() {
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void listsPostgresClustersInEveryNamespace() {
    admin.resource(sample("listed")).create();
    assertThat(operator.resources(PostgresCluster.class).inAnyNamespace().list().getItems())
        .extracting(c -> c.getMetadata().getNamespace() + "/" + c.getMetadata().getName())
        .contains(namespace + "/listed");
  }

  @Test
  void updatesTheStatusOfAPostgresClusterAndPatchesItButNeverReplacesIt() {
    PostgresCluster created = admin.resource(sample("status")).create();
    PostgresClusterStatus status = new PostgresClusterStatus();
    status.setPhase("Pending");
    created.setStatus(status);
    assertThat(operator.resource(created).updateStatus().getStatus().getPhase()).isEqualTo("Pending");

    PostgresCluster edited = operator.resources(PostgresCluster.class).inNamespace(namespace).withName("status").get();
    edited.getSpec().setInstances(2);
    assertForbidden(() -> operator.resource(edited).update());
    // RBAC cannot scope a patch to fields: the operator's only patch removes a done switchover request.
    assertThat(operator.resources(PostgresCluster.class).inNamespace(namespace).withName("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"postgres.example.com/target-primary\":null}}}")
        .getMetadata().getName()).isEqualTo("status");
  }

  @Test
  void takesLeasesOnlyInItsOwnNamespace() {
    Lease own = operator.resource(lease(NAMESPACE, "rbac-check-" + namespace)).create();
    try {
      own.getSpec().setHolderIdentity("replica-b");
      assertThat(operator.resource(own).update().getSpec().getHolderIdentity()).isEqualTo("replica-b");
    } finally {
      admin.resource(own).delete();
    }
    assertForbidden(() -> operator.resource(lease("default", "rbac-check-" + namespace)).create());
    assertForbidden(() -> operator.resource(lease(namespace, "rbac-check")).create());
  }

  @Test
  void createsAndUpdatesEveryChildKindItManagesAndDeletesOnlyServicesAndBudgets() {
    Map<String, String> labels = Map.of("app.kubernetes.io/name", "rbac-check");
    HasMetadata[] children = {
        new SecretBuilder().withNewMetadata().withName("rbac-secret").withNamespace(namespace).endMetadata()
            .addToStringData("password", "x").build(),
        new ConfigMapBuilder().withNewMetadata().withName("rbac-config").withNamespace(namespace).endMetadata()
            .addToData("k", "v").build(),
        new ServiceBuilder().withNewMetadata().withName("rbac-ro").withNamespace(namespace).endMetadata()
            .withNewSpec().withSelector(labels).addNewPort().withPort(5432).endPort().endSpec().build(),
        new StatefulSetBuilder().withNewMetadata().withName("rbac-db").withNamespace(namespace).endMetadata()
            .withNewSpec().withNewSelector().withMatchLabels(labels).endSelector()
            .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
            .withNewSpec().addNewContainer().withName("postgres").withImage("postgres:17").endContainer().endSpec()
            .endTemplate().endSpec().build(),
        new PodDisruptionBudgetBuilder().withNewMetadata().withName("rbac-pdb").withNamespace(namespace).endMetadata()
            .withNewSpec().withNewSelector().withMatchLabels(labels).endSelector()
            .withNewMaxUnavailable(1).endSpec().build()};
    for (HasMetadata child : children) {
      HasMetadata created = operator.resource(child).create();
      created.getMetadata().setLabels(Map.of("updated", "true"));
      operator.resource(created).update();
      assertThat(operator.resource(child).get().getMetadata().getLabels()).as(child.getKind())
          .containsEntry("updated", "true");
      // The operator never patches (it creates and updates with drift detection).
      assertForbidden(() -> operator.resource(child).fieldManager("pg-operator").forceConflicts().serverSideApply());
    }
    operator.resource(children[2]).delete();
    operator.resource(children[4]).delete();
    assertForbidden(() -> operator.resource(children[0]).delete());
    assertForbidden(() -> operator.resource(children[1]).delete());
    assertForbidden(() -> operator.resource(children[3]).delete());
    assertForbidden(() -> operator.persistentVolumeClaims().inNamespace(namespace).withName("data-rbac-db-0").delete());
  }

  @Test
  void recordsEvents() {
    var event = new EventBuilder().withNewMetadata().withName("rbac-check.1").withNamespace(namespace).endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder().withKind("PostgresCluster").withName("demo")
            .withNamespace(namespace).build())
        .withReason("Check").withMessage("rbac").withType("Normal").build();
    assertThat(operator.resource(event).create().getReason()).isEqualTo("Check");
  }

  @Test
  void watchesLabelsAndDeletesInstancePodsButNeitherCreatesNorRewritesThem() {
    Pod pod = new PodBuilder()
        .withNewMetadata().withName("demo-0").withNamespace(namespace).addToLabels("app", "db").endMetadata()
        .withNewSpec().addNewContainer().withName("postgres").withImage("postgres:17").endContainer().endSpec()
        .build();
    admin.pods().inNamespace(namespace).resource(pod).create();

    assertThat(operator.pods().inNamespace(namespace).list().getItems()).extracting(p -> p.getMetadata().getName())
        .contains("demo-0");
    assertThat(operator.pods().inNamespace(namespace).withName("demo-0").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"labels\":{\"postgres.example.com/role\":\"primary\"}}}").getMetadata().getLabels())
        .containsEntry("postgres.example.com/role", "primary");
    Pod read = operator.pods().inNamespace(namespace).withName("demo-0").get();
    assertForbidden(() -> operator.pods().inNamespace(namespace).resource(read).update());
    assertForbidden(() -> operator.pods().inNamespace(namespace).resource(new PodBuilder(pod)
        .editMetadata().withName("demo-9").withResourceVersion(null).endMetadata().build()).create());
    operator.pods().inNamespace(namespace).withName("demo-0").withGracePeriod(0).delete();
  }

  private static PostgresCluster sample(String name) {
    PostgresCluster cluster = DeployManifests.SERIALIZATION.unmarshal(DeployManifests.read(
        DeployManifests.deployDir().resolve("samples/postgrescluster-minimal.yaml")), PostgresCluster.class);
    cluster.getMetadata().setName(name);
    cluster.getMetadata().setNamespace(namespace);
    return cluster;
  }

  private static Lease lease(String leaseNamespace, String name) {
    return new LeaseBuilder().withNewMetadata().withName(name).withNamespace(leaseNamespace).endMetadata()
        .withNewSpec().withHolderIdentity("replica-a").withLeaseDurationSeconds(15).endSpec().build();
  }

  private static void assertForbidden(ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(KubernetesClientException.class,
        e -> assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403));
  }
}
