package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterSpec;
import io.pgoperator.api.v1alpha1.ResourcesSpec;
import io.pgoperator.api.v1alpha1.StorageSpec;
import java.util.Map;

/** Clusters as a reconcile reads them from the cache (uid and generation set). */
final class Clusters {

  static final String NAMESPACE = "shop";
  static final String UID = "6f1f7c2e-1d1b-4c8e-9a55-3f0d6c1e2b7a";

  private Clusters() {
  }

  static PostgresCluster minimal(String name) {
    PostgresClusterSpec spec = new PostgresClusterSpec();
    spec.setStorage(new StorageSpec("1Gi", null));
    PostgresCluster cluster = new PostgresCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE)
        .withUid(UID).withGeneration(1L).withResourceVersion("100").build());
    cluster.setSpec(spec);
    return cluster;
  }

  /** Like deploy/samples/postgrescluster-full.yaml. */
  static PostgresCluster full(String name) {
    PostgresCluster cluster = minimal(name);
    PostgresClusterSpec spec = cluster.getSpec();
    spec.setInstances(3);
    spec.setPostgresVersion(16);
    spec.setStorage(new StorageSpec("10Gi", "standard"));
    spec.setResources(new ResourcesSpec(
        Map.of("cpu", new Quantity("500m"), "memory", new Quantity("1Gi")),
        Map.of("memory", new Quantity("2Gi"))));
    spec.setDatabase("orders");
    spec.setOwner("orders_app");
    spec.setParameters(Map.of("max_connections", "200", "shared_buffers", "256MB"));
    return cluster;
  }
}
