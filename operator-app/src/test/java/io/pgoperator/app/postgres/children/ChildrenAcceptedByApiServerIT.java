package io.pgoperator.app.postgres.children;

import io.pgoperator.app.postgres.Clusters;
import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import java.util.ArrayList;
import java.util.List;
import io.pgoperator.app.postgres.tls.CertificateAuthority;
import java.time.Instant;
import java.util.Random;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.EnvtestBinaries;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every child of a real cluster object passes the API server's validation (no controllers
 * run here, so nothing is scheduled: this checks the objects, not PostgreSQL).
 */
@ExtendWith(EnvtestDiagnostics.class)
@Tag("envtest")
class ChildrenAcceptedByApiServerIT {

  private static String namespace;
  private static KubernetesClient client;

  @BeforeAll
  static void installCrd() {
    Envtest envtest = Envtest.get();
    envtest.installCrds(List.of(EnvtestBinaries.repositoryRoot()
        .resolve("deploy/crd/" + PostgresCluster.CRD_NAME + "-v1.yml")));
    client = envtest.client();
    namespace = envtest.createNamespace("children");
  }

  @Test
  void allChildrenOfAThreeInstanceClusterAreCreated() {
    PostgresCluster template = Clusters.full("orders");
    template.setMetadata(new ObjectMetaBuilder().withName("orders").withNamespace(namespace).build());
    PostgresCluster cluster = client.resource(template).inNamespace(namespace).create();

    List<HasMetadata> children = new ArrayList<>();
    CertificateAuthority authority = ClusterTls.newAuthority(cluster, Instant.now());
    children.add(ClusterTls.caSecret(cluster, authority));
    children.add(ClusterTls.serverSecret(cluster, authority, ClusterTls.issue(cluster, authority, Instant.now())));
    children.add(CredentialsSecret.build(cluster, new Passwords(new Random(3)), authority.certificatePem()));
    children.add(InternalCredentials.build(cluster, new Passwords(new Random(4)), null));
    children.add(PostgresConfig.build(cluster));
    children.addAll(ClusterServices.all(cluster));
    children.add(PostgresStatefulSet.build(cluster));
    DisruptionBudget.build(cluster).ifPresent(children::add);

    for (HasMetadata child : children) {
      HasMetadata created = client.resource(child).inNamespace(namespace).create();
      assertThat(created.getMetadata().getUid()).as(child.getKind()).isNotBlank();
      assertThat(created.getMetadata().getOwnerReferences()).singleElement()
          .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(cluster.getMetadata().getUid()));
    }
    assertThat(children).extracting(HasMetadata::getKind).containsExactly("Secret", "Secret", "Secret", "Secret", "ConfigMap",
        "Service", "Service", "Service", "StatefulSet", "PodDisruptionBudget");

    StatefulSet stored = client.apps().statefulSets().inNamespace(namespace).withName("orders").get();
    assertThat(stored.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsKey(PostgresStatefulSet.CONFIG_HASH_ANNOTATION);
    assertThat(stored.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted())
        .isEqualTo("Retain");
  }
}
