package io.pgoperator.app.postgres.children;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every child of a real cluster object passes the API server's validation (no controllers
 * run here, so nothing is scheduled: this checks the objects, not PostgreSQL).
 */
@Tag("envtest")
class ChildrenAcceptedByApiServerIT {

  private static final String NS = "default";
  private static KubeAPIServer server;
  private static KubernetesClient client;

  @BeforeAll
  static void start() throws IOException {
    server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withOfflineMode(true).withUpdateKubeConfig(false).build());
    server.start();
    client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build();
    try (InputStream in = ChildrenAcceptedByApiServerIT.class.getResourceAsStream(
        "/META-INF/fabric8/" + PostgresCluster.CRD_NAME + "-v1.yml")) {
      client.resource(Serialization.unmarshal(in, CustomResourceDefinition.class)).create();
    }
    client.resources(CustomResourceDefinition.class).withName(PostgresCluster.CRD_NAME)
        .waitUntilCondition(c -> c != null && c.getStatus() != null
            && c.getStatus().getConditions().stream().anyMatch(
                x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
            60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void allChildrenOfAThreeInstanceClusterAreCreated() {
    PostgresCluster template = TestClusters.orders();
    template.setMetadata(new ObjectMetaBuilder().withName("orders").withNamespace(NS).build());
    PostgresCluster cluster = client.resource(template).inNamespace(NS).create();

    List<HasMetadata> children = new ArrayList<>();
    children.add(CredentialsSecret.build(cluster, new Passwords(new Random(3))));
    children.add(PostgresConfig.build(cluster));
    children.addAll(ClusterServices.all(cluster));
    children.add(PostgresStatefulSet.build(cluster));
    DisruptionBudget.build(cluster).ifPresent(children::add);

    for (HasMetadata child : children) {
      HasMetadata created = client.resource(child).inNamespace(NS).create();
      assertThat(created.getMetadata().getUid()).as(child.getKind()).isNotBlank();
      assertThat(created.getMetadata().getOwnerReferences()).singleElement()
          .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(cluster.getMetadata().getUid()));
    }
    assertThat(children).extracting(HasMetadata::getKind).containsExactly("Secret", "ConfigMap",
        "Service", "Service", "Service", "StatefulSet", "PodDisruptionBudget");

    StatefulSet stored = client.apps().statefulSets().inNamespace(NS).withName("orders").get();
    assertThat(stored.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsKey(PostgresStatefulSet.CONFIG_HASH_ANNOTATION);
    assertThat(stored.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted())
        .isEqualTo("Retain");
  }
}
