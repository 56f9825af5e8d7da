package io.pgoperator.app.postgres.children;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterSpec;
import io.pgoperator.api.v1alpha1.ResourcesSpec;
import io.pgoperator.api.v1alpha1.StorageSpec;
import java.util.Map;

/** Clusters as the controller would read them from the API server (uid set). */
final class TestClusters {

  static final String NAMESPACE = "shop";
  static final String UID = "0b9e3c55-6c1e-4a3c-9e1e-7f1d3c2a9b10";

  private TestClusters() {
  }

  static PostgresCluster cluster(String name, int instances) {
    PostgresClusterSpec spec = new PostgresClusterSpec();
    spec.setInstances(instances);
    spec.setStorage(new StorageSpec("1Gi", null));
    PostgresCluster cluster = new PostgresCluster();
    cluster.setMetadata(new ObjectMetaBuilder()
        .withName(name).withNamespace(NAMESPACE).withUid(UID).withGeneration(1L).build());
    cluster.setSpec(spec);
    return cluster;
  }

  /** Like deploy/samples/postgrescluster-full.yaml. */
  static PostgresCluster orders() {
    PostgresCluster cluster = cluster("orders", 3);
    PostgresClusterSpec spec = cluster.getSpec();
    spec.setPostgresVersion(16);
    spec.setStorage(new StorageSpec("10Gi", "fast-ssd"));
    spec.setResources(new ResourcesSpec(
        Map.of("cpu", new Quantity("500m"), "memory", new Quantity("1Gi")),
        Map.of("memory", new Quantity("2Gi"))));
    spec.setDatabase("orders");
    spec.setOwner("orders_app");
    spec.setParameters(Map.of("max_connections", "200", "shared_buffers", "256MB"));
    return cluster;
  }
}
