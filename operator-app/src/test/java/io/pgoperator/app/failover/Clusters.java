package io.pgoperator.app.failover;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterSpec;
import io.pgoperator.api.v1alpha1.StorageSpec;
import io.pgoperator.app.postgres.children.ChildNames;
import io.pgoperator.runtime.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** PostgresClusters for failover tests, and how to tell one was reconciled and by whom. */
final class Clusters {

  static final Duration RECONCILE = Duration.ofSeconds(60);

  private Clusters() {}

  static void createNamespace(KubernetesClient admin, String namespace) {
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
  }

  /** One instance on 1Gi: the smallest valid cluster (no pods ever run on envtest). */
  static PostgresCluster create(KubernetesClient admin, String namespace, String name) {
    PostgresClusterSpec spec = new PostgresClusterSpec();
    spec.setInstances(1);
    spec.setStorage(new StorageSpec("1Gi", null));
    PostgresCluster cluster = new PostgresCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    cluster.setSpec(spec);
    return admin.resource(cluster).create();
  }

  static PostgresCluster get(KubernetesClient admin, String namespace, String name) {
    return admin.resources(PostgresCluster.class).inNamespace(namespace).withName(name).get();
  }

  /** Changes the spec (the generation moves), so only a new reconcile makes it reconciled again. */
  static PostgresCluster scale(KubernetesClient admin, String namespace, String name, int instances) {
    return admin.resources(PostgresCluster.class).inNamespace(namespace).withName(name)
        .edit(c -> {
          c.getSpec().setInstances(instances);
          return c;
        });
  }

  /** The status reports the current generation and the StatefulSet exists. */
  static boolean isReconciled(KubernetesClient admin, PostgresCluster cluster) {
    if (cluster == null || cluster.getStatus() == null || cluster.getStatus().getObservedGeneration() == null) {
      return false;
    }
    String namespace = cluster.getMetadata().getNamespace();
    return Objects.equals(cluster.getStatus().getObservedGeneration(), cluster.getMetadata().getGeneration())
        && admin.resources(StatefulSet.class).inNamespace(namespace).withName(ChildNames.statefulSet(cluster.getMetadata().getName()))
            .get() != null;
  }

  static PostgresCluster awaitReconciled(KubernetesClient admin, String namespace, String name) {
    PostgresCluster[] last = new PostgresCluster[1];
    Await.until("PostgresCluster " + namespace + "/" + name + " reconciled (status.observedGeneration = generation,"
        + " StatefulSet created)", RECONCILE, () -> {
          last[0] = get(admin, namespace, name);
          return isReconciled(admin, last[0]);
        });
    return last[0];
  }

  /**
   * Who last wrote the status: the field manager of the status subresource, which the API server
   * derives from the writer's user agent ({@code <identity>/failover}).
   */
  static List<String> statusManagers(PostgresCluster cluster) {
    return cluster.getMetadata().getManagedFields().stream()
        .filter(f -> "status".equals(f.getSubresource()))
        .map(ManagedFieldsEntry::getManager)
        .toList();
  }
}
