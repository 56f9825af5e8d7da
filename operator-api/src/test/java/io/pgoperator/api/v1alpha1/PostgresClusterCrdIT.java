package io.pgoperator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The checked-in CRD on a real kube-apiserver: it must be accepted (CEL compiles and fits the
 * cost budget, which nothing short of the API server checks) and its rules must bite.
 */
@Tag("envtest")
class PostgresClusterCrdIT {

  private static final String NS = "default";
  private static KubeAPIServer server;
  private static KubernetesClient client;

  @BeforeAll
  static void startApiServerAndInstallCrd() {
    server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withOfflineMode(true)
        .withUpdateKubeConfig(false)
        .build());
    server.start();
    client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build();
    CustomResourceDefinition crd = Serialization.unmarshal(
        GeneratedCrd.read(GeneratedCrd.deployFile("crd/" + GeneratedCrd.FILE_NAME)),
        CustomResourceDefinition.class);
    client.resource(crd).create();
    client.resources(CustomResourceDefinition.class).withName(PostgresCluster.CRD_NAME)
        .waitUntilCondition(c -> c != null && c.getStatus() != null
            && c.getStatus().getConditions() != null && c.getStatus().getConditions().stream().anyMatch(
                cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
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
  void samplesAreAcceptedAndDefaulted() {
    PostgresCluster demo = client.resource(sample("postgrescluster-minimal.yaml"))
        .inNamespace(NS).create();
    assertThat(demo.getSpec().getInstances()).isEqualTo(1);
    assertThat(demo.getSpec().getPostgresVersion()).isEqualTo(17);

    PostgresCluster orders = client.resource(sample("postgrescluster-full.yaml"))
        .inNamespace(NS).create();
    assertThat(orders.getSpec().getParameters()).containsEntry("max_connections", "200");
  }

  @Test
  void storageCanGrowButNotShrink() {
    create("grow", spec -> spec);
    assertThat(edit("grow", pc -> pc.getSpec().getStorage().setSize("2Gi"))
        .getSpec().getStorage().getSize()).isEqualTo("2Gi");
    assertRefused(() -> edit("grow", pc -> pc.getSpec().getStorage().setSize("1500Mi")),
        "storage.size cannot shrink");
  }

  @Test
  void versionCanBeUpgradedButNotDowngraded() {
    create("upgrade", spec -> {
      spec.setPostgresVersion(15);
      return spec;
    });
    assertThat(edit("upgrade", pc -> pc.getSpec().setPostgresVersion(16))
        .getSpec().getPostgresVersion()).isEqualTo(16);
    assertRefused(() -> edit("upgrade", pc -> pc.getSpec().setPostgresVersion(15)),
        "postgresVersion cannot be downgraded");
  }

  @Test
  void databaseAndStorageClassAreImmutable() {
    create("frozen", spec -> {
      spec.setDatabase("app");
      return spec;
    });
    assertRefused(() -> edit("frozen", pc -> pc.getSpec().setDatabase("other")),
        "database is immutable");
    assertRefused(() -> edit("frozen", pc -> pc.getSpec().getStorage().setStorageClassName("x")),
        "storageClassName is immutable");
  }

  @Test
  void ownedOrMalformedParametersAreRefused() {
    assertRefused(() -> create("owned", spec -> {
      spec.setParameters(Map.of("port", "6543"));
      return spec;
    }), "operator-owned settings");
    assertRefused(() -> create("upper", spec -> {
      spec.setParameters(Map.of("Work_Mem", "8MB"));
      return spec;
    }), "lower-case postgresql.conf setting names");
  }

  @Test
  void schemaBoundsAreEnforced() {
    assertRefused(() -> create("ten", spec -> {
      spec.setInstances(10);
      return spec;
    }), "spec.instances");
    assertRefused(() -> create("bad-size", spec -> {
      spec.getStorage().setSize("lots");
      return spec;
    }), "spec.storage.size");
    assertRefused(() -> create("x".repeat(51), spec -> spec), "metadata.name must be");
  }

  @Test
  void statusIsWrittenThroughItsSubresource() {
    PostgresCluster pc = create("status", spec -> spec);
    PostgresClusterStatus status = new PostgresClusterStatus();
    status.setPhase(Phase.RUNNING);
    status.setReadyInstances(1);
    pc.setStatus(status);
    PostgresCluster updated = client.resource(pc).inNamespace(NS).updateStatus();
    assertThat(updated.getStatus().getPhase()).isEqualTo("Running");
    assertThat(clusters().withName("status").get().getStatus().getReadyInstances()).isEqualTo(1);
  }

  private static PostgresCluster create(String name, UnaryOperator<PostgresClusterSpec> spec) {
    PostgresClusterSpec s = new PostgresClusterSpec();
    s.setStorage(new StorageSpec("1Gi", null));
    PostgresCluster pc = new PostgresCluster();
    pc.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    pc.setSpec(spec.apply(s));
    return client.resource(pc).inNamespace(NS).create();
  }

  private static PostgresCluster edit(String name,
      java.util.function.Consumer<PostgresCluster> change) {
    PostgresCluster pc = clusters().withName(name).get();
    change.accept(pc);
    return client.resource(pc).inNamespace(NS).update();
  }

  private static NonNamespaceOperation<PostgresCluster, KubernetesResourceList<PostgresCluster>,
      Resource<PostgresCluster>> clusters() {
    return client.resources(PostgresCluster.class).inNamespace(NS);
  }

  private static void assertRefused(Runnable call, String messagePart) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
      assertThat(e.getCode()).isEqualTo(422);
      assertThat(e.getMessage()).contains(messagePart);
    });
  }

  private static PostgresCluster sample(String file) {
    return Serialization.unmarshal(GeneratedCrd.read(GeneratedCrd.deployFile("samples/" + file)),
        PostgresCluster.class);
  }
}
