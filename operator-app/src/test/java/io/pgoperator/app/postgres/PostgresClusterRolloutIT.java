package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.ResourcesSpec;
import io.pgoperator.app.postgres.children.PostgresConfig;
import io.pgoperator.app.postgres.children.PostgresStatefulSet;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Changing instances, parameters or resources rolls out to the StatefulSet and its company. */
class PostgresClusterRolloutIT extends OperatorOnEnvtest {

  @Test
  void scalingUpAddsTheReadOnlyServiceAndTheBudgetAndScalingDownRemovesThem() throws Exception {
    op = OperatorHarness.start("pgc-scale", Duration.ZERO);
    op.create(Clusters.minimalToCreate("demo"));
    op.awaitReconciled("demo");
    String configHash = templateHash(op.statefulSet("demo"));

    op.editCluster("demo", c -> {
      c.getSpec().setInstances(3);
      return c;
    });
    PostgresCluster three = op.awaitReconciled("demo");

    assertThat(op.statefulSet("demo").getSpec().getReplicas()).isEqualTo(3);
    assertThat(templateHash(op.statefulSet("demo"))).isEqualTo(configHash);
    assertThat(op.managedChildren().get("Service")).containsExactly("demo-pods", "demo-ro", "demo-rw");
    assertThat(op.managedChildren().get("PodDisruptionBudget")).containsExactly("demo");
    assertThat(three.getStatus().getInstances()).isEqualTo(3);
    assertThat(three.getStatus().getReplicaService()).isEqualTo("demo-ro");

    op.editCluster("demo", c -> {
      c.getSpec().setInstances(1);
      return c;
    });
    PostgresCluster one = op.awaitReconciled("demo");

    assertThat(op.statefulSet("demo").getSpec().getReplicas()).isEqualTo(1);
    assertThat(op.managedChildren().get("Service")).containsExactly("demo-pods", "demo-rw");
    assertThat(op.managedChildren().get("PodDisruptionBudget")).isEmpty();
    assertThat(one.getStatus().getInstances()).isEqualTo(1);
    assertThat(one.getStatus().getReplicaService()).isNull();
    assertThat(op.events("demo", "Normal", "Deleted")).extracting(e -> e.getMessage())
        .containsExactlyInAnyOrder(
            "Deleted Service demo-ro (a single instance has no replicas to read from)",
            "Deleted PodDisruptionBudget demo (a single instance must stay evictable)");
    assertThat(op.events("demo", "Normal", "Updated")).extracting(e -> e.getMessage())
        .contains("Updated StatefulSet demo (spec.replicas)");
  }

  @Test
  void changingParametersRewritesTheConfigAndRollsThePods() throws Exception {
    op = OperatorHarness.start("pgc-params", Duration.ZERO);
    op.create(Clusters.fullToCreate("orders"));
    op.awaitReconciled("orders");
    String before = templateHash(op.statefulSet("orders"));
    String revisionBefore = op.statefulSet("orders").getMetadata().getResourceVersion();

    op.editCluster("orders", c -> {
      c.getSpec().setParameters(Map.of("max_connections", "300", "work_mem", "16MB"));
      return c;
    });
    op.awaitReconciled("orders");

    String conf = op.configMap("orders-config").getData().get(PostgresConfig.POSTGRESQL_CONF);
    assertThat(conf).contains("max_connections = '300'").contains("work_mem = '16MB'")
        .contains("shared_buffers = '128MB'");
    StatefulSet sts = op.statefulSet("orders");
    assertThat(templateHash(sts)).isNotEqualTo(before)
        .isEqualTo(PostgresConfig.restartHash(op.configMap("orders-config")));
    assertThat(sts.getMetadata().getResourceVersion()).isNotEqualTo(revisionBefore);
    assertThat(sts.getSpec().getReplicas()).isEqualTo(3);
  }

  @Test
  void changingResourcesUpdatesTheContainersAndARemovedLimitIsRemoved() throws Exception {
    op = OperatorHarness.start("pgc-resources", Duration.ZERO);
    op.create(Clusters.fullToCreate("orders"));
    op.awaitReconciled("orders");

    op.editCluster("orders", c -> {
      c.getSpec().setResources(new ResourcesSpec(
          Map.of("cpu", new Quantity("1"), "memory", new Quantity("2Gi")), null));
      return c;
    });
    op.awaitReconciled("orders");

    StatefulSet sts = op.statefulSet("orders");
    for (var container : sts.getSpec().getTemplate().getSpec().getContainers()) {
      ResourceRequirements resources = container.getResources();
      assertThat(resources.getRequests()).isEqualTo(Map.of("cpu", new Quantity("1"), "memory", new Quantity("2Gi")));
      assertThat(resources.getLimits()).as("limits of " + container.getName()).isNullOrEmpty();
    }
  }

  @Test
  void aLargerStorageSizeLeavesTheImmutableVolumeClaimTemplateAlone() throws Exception {
    op = OperatorHarness.start("pgc-grow", Duration.ZERO);
    op.create(Clusters.minimalToCreate("demo"));
    op.awaitReconciled("demo");
    String revision = op.statefulSet("demo").getMetadata().getResourceVersion();

    op.editCluster("demo", c -> {
      c.getSpec().getStorage().setSize("5Gi");
      return c;
    });
    op.awaitReconciled("demo");

    StatefulSet sts = op.statefulSet("demo");
    assertThat(sts.getMetadata().getResourceVersion()).isEqualTo(revision);
    assertThat(SpecValidation.volumeSize(sts)).isEqualTo("1Gi");
    assertThat(op.client.persistentVolumeClaims().inNamespace(op.namespace).list().getItems()).isEmpty();
  }

  private static String templateHash(StatefulSet sts) {
    return sts.getSpec().getTemplate().getMetadata().getAnnotations().get(PostgresStatefulSet.CONFIG_HASH_ANNOTATION);
  }
}
