package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.pgoperator.app.postgres.children.ChildMeta;
import io.pgoperator.app.postgres.children.CredentialsSecret;
import io.pgoperator.app.postgres.children.PostgresConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Someone edits or deletes a child; the controller puts it back, except the credentials' data. */
class PostgresClusterDriftIT extends OperatorOnEnvtest {

  @BeforeEach
  void start() throws Exception {
    op = OperatorHarness.start("pgc-drift", Duration.ZERO);
    op.create(Clusters.fullToCreate("orders"));
    op.awaitReconciled("orders");
  }

  @Test
  void aScaledStatefulSetIsScaledBack() {
    op.client.apps().statefulSets().inNamespace(op.namespace).withName("orders")
        .edit(sts -> {
          sts.getSpec().setReplicas(5);
          return sts;
        });

    op.await("replicas back at 3", () -> op.statefulSet("orders"), sts -> sts.getSpec().getReplicas() == 3);
    op.await("an Updated event", () -> op.events("orders", "Normal", "Updated"),
        events -> events.stream().anyMatch(e -> e.getMessage().equals("Updated StatefulSet orders (spec.replicas)")));
  }

  @Test
  void aReadWriteServiceOfAnEarlierVersionSelectsInstanceZeroByNameUntilAPodIsLabelledPrimary() {
    Map<String, String> earlier = new java.util.LinkedHashMap<>(ChildMeta.podSelector("orders"));
    earlier.put(ChildMeta.POD_NAME_LABEL, "orders-0");
    op.client.services().inNamespace(op.namespace).withName("orders-rw").edit(svc -> {
      svc.getSpec().setSelector(earlier);
      return svc;
    });
    double reconciles = op.reconciles();
    op.awaitReconciles(reconciles, 1);
    assertThat(op.service("orders-rw").getSpec().getSelector()).as("no pod is labelled primary yet").isEqualTo(earlier);

    // As the operator labels an instance once it answered as the primary.
    op.client.pods().inNamespace(op.namespace).resource(new io.fabric8.kubernetes.api.model.PodBuilder()
        .withNewMetadata().withName("orders-0").withLabels(ChildMeta.labels("orders", ChildMeta.COMPONENT_DATABASE))
        .addToLabels(ChildMeta.ROLE_LABEL, ChildMeta.ROLE_PRIMARY).endMetadata()
        .withNewSpec().addNewContainer().withName("postgres").withImage("postgres:16").endContainer().endSpec()
        .build()).create();
    Service moved = op.await("-rw selects by role", () -> op.service("orders-rw"),
        svc -> svc.getSpec().getSelector().containsKey(ChildMeta.ROLE_LABEL));
    assertThat(moved.getSpec().getSelector()).containsEntry(ChildMeta.ROLE_LABEL, ChildMeta.ROLE_PRIMARY)
        .doesNotContainKey(ChildMeta.POD_NAME_LABEL);
  }

  @Test
  void anEditedReadWriteServiceGetsItsSelectorAndPortBackAndKeepsItsClusterIp() {
    String clusterIp = op.service("orders-rw").getSpec().getClusterIP();
    op.client.services().inNamespace(op.namespace).withName("orders-rw").edit(svc -> {
      svc.getSpec().getSelector().put(ChildMeta.ROLE_LABEL, "replica");
      svc.getSpec().getSelector().put("extra", "label");
      svc.getSpec().getPorts().get(0).setPort(6543);
      svc.getSpec().getPorts().get(0).setTargetPort(new IntOrString(6543));
      svc.getMetadata().getLabels().put("team", "payments");
      return svc;
    });

    Service repaired = op.await("orders-rw repaired", () -> op.service("orders-rw"),
        svc -> svc.getSpec().getPorts().get(0).getPort() == 5432);
    assertThat(repaired.getSpec().getSelector()).isEqualTo(Map.of(
        ChildMeta.NAME, ChildMeta.APP, ChildMeta.INSTANCE, "orders",
        ChildMeta.COMPONENT, ChildMeta.COMPONENT_DATABASE, ChildMeta.ROLE_LABEL, ChildMeta.ROLE_PRIMARY));
    assertThat(repaired.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("postgresql");
    assertThat(repaired.getSpec().getClusterIP()).isEqualTo(clusterIp);
    assertThat(repaired.getMetadata().getLabels()).containsEntry("team", "payments");
  }

  @Test
  void aDeletedConfigMapIsRecreatedWithTheSameContent() {
    Map<String, String> data = op.configMap("orders-config").getData();
    String uid = op.configMap("orders-config").getMetadata().getUid();
    op.client.configMaps().inNamespace(op.namespace).withName("orders-config").delete();

    var recreated = op.await("orders-config recreated", () -> op.configMap("orders-config"),
        cm -> !cm.getMetadata().getUid().equals(uid));
    assertThat(recreated.getData()).isEqualTo(data);
    assertThat(PostgresConfig.restartHash(recreated))
        .isEqualTo(op.statefulSet("orders").getSpec().getTemplate().getMetadata().getAnnotations()
            .get(io.pgoperator.app.postgres.children.PostgresStatefulSet.CONFIG_HASH_ANNOTATION));
  }

  @Test
  void aConfigMapWhoseLabelWasRemovedIsFoundAndRelabelled() {
    // Without its label the object drops out of the operator's cache: the create hits 409 and
    // the controller reads it once to repair it.
    op.client.configMaps().inNamespace(op.namespace).withName("orders-config").edit(cm -> {
      cm.getMetadata().getLabels().remove(ChildMeta.MANAGED_BY);
      cm.getData().put(PostgresConfig.POSTGRESQL_CONF, "wal_level = 'minimal'\n");
      return cm;
    });

    var repaired = op.await("orders-config relabelled", () -> op.configMap("orders-config"),
        cm -> ChildMeta.OPERATOR.equals(cm.getMetadata().getLabels().get(ChildMeta.MANAGED_BY)));
    assertThat(repaired.getData().get(PostgresConfig.POSTGRESQL_CONF)).contains("wal_level = 'replica'")
        .doesNotContain("minimal");
  }

  @Test
  void anEditedDisruptionBudgetIsRestored() {
    op.client.policy().v1().podDisruptionBudget().inNamespace(op.namespace).withName("orders").edit(pdb -> {
      pdb.getSpec().setMaxUnavailable(new IntOrString(2));
      return pdb;
    });

    op.await("maxUnavailable back at 1", () -> op.disruptionBudget("orders"),
        pdb -> Integer.valueOf(1).equals(pdb.getSpec().getMaxUnavailable().getIntVal()));
  }

  @Test
  void anEditedPasswordIsLeftAloneButADeletedSecretIsRecreated() {
    double reconciles = op.reconciles();
    String edited = "changed-by-the-dba-0123456789";
    op.client.secrets().inNamespace(op.namespace).withName("orders-credentials").edit(secret -> {
      secret.getData().put(CredentialsSecret.PASSWORD, encode(edited));
      secret.getData().remove(CredentialsSecret.URI);
      return secret;
    });
    op.awaitReconciles(reconciles, 1);

    Secret kept = op.secret("orders-credentials");
    assertThat(CredentialsSecret.value(kept, CredentialsSecret.PASSWORD)).isEqualTo(edited);
    assertThat(kept.getData()).doesNotContainKey(CredentialsSecret.URI);

    String uid = kept.getMetadata().getUid();
    op.client.secrets().inNamespace(op.namespace).withName("orders-credentials").delete();
    Secret recreated = op.await("orders-credentials recreated", () -> op.secret("orders-credentials"),
        s -> !s.getMetadata().getUid().equals(uid));
    assertThat(CredentialsSecret.value(recreated, CredentialsSecret.PASSWORD)).hasSize(32).isNotEqualTo(edited);
    assertThat(recreated.getData()).containsKey(CredentialsSecret.URI);
    assertThat(CredentialsSecret.value(recreated, CredentialsSecret.USERNAME)).isEqualTo("orders_app");
  }

  @Test
  void aSecretThatLostItsOwnerReferenceIsReownedWithoutTouchingItsData() {
    Map<String, String> data = op.secret("orders-credentials").getData();
    op.client.secrets().inNamespace(op.namespace).withName("orders-credentials").edit(secret -> {
      secret.getMetadata().setOwnerReferences(null);
      return secret;
    });

    Secret reowned = op.await("orders-credentials owned again", () -> op.secret("orders-credentials"),
        s -> s.getMetadata().getOwnerReferences() != null && !s.getMetadata().getOwnerReferences().isEmpty());
    PostgresClusterChildrenIT.assertOwnedBy(reowned, "orders", op.cluster("orders").getMetadata().getUid());
    assertThat(reowned.getData()).isEqualTo(data);
  }

  private static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
