package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterSpec;
import io.pgoperator.api.v1alpha1.ResourcesSpec;
import io.pgoperator.api.v1alpha1.StorageSpec;
import java.util.Map;

/**
 * PostgresClusters for tests, like deploy/samples/postgrescluster-{minimal,full}.yaml, in two
 * forms: as a reconcile reads them from the cache ({@link #minimal}, {@link #full}: namespace,
 * uid, generation and resourceVersion set), and as a test creates them on the API server
 * ({@link #minimalToCreate}, {@link #fullToCreate}: only the name; the server assigns the rest).
 * Public for the tests of {@code children}.
 */
public final class Clusters {

  public static final String NAMESPACE = "shop";
  public static final String UID = "6f1f7c2e-1d1b-4c8e-9a55-3f0d6c1e2b7a";

  private Clusters() {
  }

  /** One instance of the default version on 1Gi of the default StorageClass. */
  public static PostgresCluster minimal(String name) {
    PostgresCluster cluster = named(name, new PostgresClusterSpec());
    cluster.getMetadata().setNamespace(NAMESPACE);
    cluster.getMetadata().setUid(UID);
    cluster.getMetadata().setGeneration(1L);
    cluster.getMetadata().setResourceVersion("100");
    return cluster;
  }

  /** Three instances of PostgreSQL 16 with resources, database, owner and parameters. */
  public static PostgresCluster full(String name) {
    return fill(minimal(name));
  }

  /** Only what deploy/samples/postgrescluster-minimal.yaml sets; the API server defaults the rest. */
  public static PostgresCluster minimalToCreate(String name) {
    PostgresClusterSpec spec = new PostgresClusterSpec();
    spec.setInstances(null);
    spec.setPostgresVersion(null);
    return named(name, spec);
  }

  public static PostgresCluster fullToCreate(String name) {
    return fill(minimalToCreate(name));
  }

  private static PostgresCluster named(String name, PostgresClusterSpec spec) {
    spec.setStorage(new StorageSpec("1Gi", null));
    PostgresCluster cluster = new PostgresCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withName(name).build());
    cluster.setSpec(spec);
    return cluster;
  }

  private static PostgresCluster fill(PostgresCluster cluster) {
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
