package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterSpec;
import io.pgoperator.api.v1alpha1.ResourcesSpec;
import io.pgoperator.api.v1alpha1.StorageSpec;
import java.util.Map;

/** Clusters to create on the API server, like deploy/samples (no uid: the server assigns it). */
final class ItClusters {

  private ItClusters() {
  }

  /** Only what deploy/samples/postgrescluster-minimal.yaml sets; the API server defaults the rest. */
  static PostgresCluster minimal(String name) {
    PostgresClusterSpec spec = new PostgresClusterSpec();
    spec.setInstances(null);
    spec.setPostgresVersion(null);
    spec.setStorage(new StorageSpec("1Gi", null));
    PostgresCluster cluster = new PostgresCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withName(name).build());
    cluster.setSpec(spec);
    return cluster;
  }

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
