package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.children.ChildMeta;
import io.pgoperator.app.postgres.children.ClusterServices;
import io.pgoperator.app.postgres.children.ClusterTls;
import io.pgoperator.app.postgres.children.CredentialsSecret;
import io.pgoperator.app.postgres.children.DisruptionBudget;
import java.io.IOException;
import java.util.List;

/**
 * One cluster's children as the API server returned them ({@code cached/}, see
 * {@link CacheFootprintBenchmark}), each with what the reconciler wants of it: what the builders
 * make, or for the Secrets made once, their metadata (and the CA certificate of the credentials).
 */
final class ServedChildren {

  /** A served child and the desired object drift detection compares it with. */
  record Child(String file, HasMetadata served, HasMetadata desired) {
  }

  private ServedChildren() {
  }

  static PostgresCluster cluster() throws IOException {
    return Serialization.unmarshal(CacheFootprintBenchmark.fixture("postgrescluster"), PostgresCluster.class);
  }

  static List<Child> all() throws IOException {
    PostgresCluster cluster = cluster();
    StatefulSet statefulSet = served("statefulset", StatefulSet.class);
    Observed observed = new Observed(null, null, null, null, null, null, null, null, null, statefulSet, null);
    DesiredChildren desired = DesiredChildren.of(cluster, observed);
    String caCertificate = CredentialsSecret.value(served("secret-orders-ca", Secret.class), ClusterTls.CA_CERT);
    Secret credentials = new SecretBuilder(CredentialsSecret.caOnly(cluster, caCertificate))
        .editMetadata().withOwnerReferences(ChildMeta.ownerReference(cluster)).endMetadata().build();
    return List.of(
        child("statefulset", StatefulSet.class, desired.statefulSet()),
        child("service-orders-pods", Service.class, ClusterServices.headless(cluster)),
        child("service-orders-rw", Service.class, ClusterServices.readWrite(cluster)),
        child("service-orders-ro", Service.class, ClusterServices.readOnly(cluster).orElseThrow()),
        child("configmap-orders-config", ConfigMap.class, desired.config()),
        child("configmap-orders-state", ConfigMap.class, desired.state()),
        child("secret-orders-credentials", Secret.class, credentials),
        child("secret-orders-internal-credentials", Secret.class, ownership(cluster, "orders-internal-credentials",
            ChildMeta.COMPONENT_CREDENTIALS)),
        child("secret-orders-ca", Secret.class, ownership(cluster, "orders-ca", ChildMeta.COMPONENT_TLS)),
        child("secret-orders-server-tls", Secret.class, ownership(cluster, "orders-server-tls", ChildMeta.COMPONENT_TLS)),
        child("poddisruptionbudget", PodDisruptionBudget.class, DisruptionBudget.build(cluster).orElseThrow()));
  }

  /** As the reconciler repairs the Secrets it made once: their metadata only. */
  private static Secret ownership(PostgresCluster cluster, String name, String component) {
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace(cluster.getMetadata().getNamespace())
        .withLabels(ChildMeta.labels(cluster.getMetadata().getName(), component))
        .withOwnerReferences(ChildMeta.ownerReference(cluster)).endMetadata().build();
  }

  private static Child child(String file, Class<? extends HasMetadata> type, HasMetadata desired) throws IOException {
    return new Child(file, served(file, type), desired);
  }

  static <T extends HasMetadata> T served(String file, Class<T> type) throws IOException {
    return Serialization.unmarshal(CacheFootprintBenchmark.fixture(file), type);
  }
}
