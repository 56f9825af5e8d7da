package io.pgoperator.app.sizing;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgoperator.api.v1alpha1.Conditions;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterSpec;
import io.pgoperator.api.v1alpha1.StorageSpec;
import io.pgoperator.app.postgres.children.ChildMeta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * PostgresClusters in one namespace, created by a few threads at once, and how many of them the
 * operator has reconciled (Reconciled=True at their generation). Envtest has no controllers, no
 * kubelet and no garbage collector: the children stay objects in etcd, the instance pods are
 * created by {@link StatefulSetPods} and stay Pending; that is all the operator caches.
 */
final class ClusterLoad {

  private static final int THREADS = 4;
  private static final Duration POLL = Duration.ofSeconds(1);
  /** ClusterStatus.REASON_INVALID_SPEC: the operator refuses the spec until it changes. */
  private static final String INVALID_SPEC = "InvalidSpec";
  private static final Map<String, String> MANAGED = Map.of(ChildMeta.MANAGED_BY, ChildMeta.OPERATOR);

  private final KubernetesClient admin;
  private final String namespace;
  private int created;

  ClusterLoad(KubernetesClient admin, String namespace) {
    this.admin = admin;
    this.namespace = namespace;
  }

  int created() {
    return created;
  }

  /**
   * Creates clusters until there are {@code total}: {@code db-<created+1> .. db-<total>} (not
   * {@code pg-}: a cluster's default owner role is named after it, and {@code pg_*} roles are PostgreSQL's).
   */
  void growTo(int total) {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> pending = new ArrayList<>();
      for (int i = created + 1; i <= total; i++) {
        String name = String.format("db-%04d", i);
        pending.add(pool.submit(() -> admin.resource(cluster(name)).create()));
      }
      for (Future<?> f : pending) {
        f.get();
      }
      created = total;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create PostgresClusters in " + namespace + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted creating PostgresClusters", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** One instance on 1Gi: the smallest valid cluster. */
  private PostgresCluster cluster(String name) {
    PostgresClusterSpec spec = new PostgresClusterSpec();
    spec.setInstances(1);
    spec.setStorage(new StorageSpec("1Gi", null));
    PostgresCluster cluster = new PostgresCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    cluster.setSpec(spec);
    return cluster;
  }

  /**
   * Polls (from the API server's watch cache, once a second per 1,000 clusters) until every
   * created cluster is reconciled; checks that {@code operators} are alive on each round, so a
   * crash ends the wait at once, and fails at once when the operator refuses a cluster's spec.
   */
  void awaitReconciled(List<OperatorProcess> operators, Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    Duration poll = POLL.multipliedBy(Math.max(1, created / 1000));
    List<PostgresCluster> clusters = clusters();
    while (reconciled(clusters) < created) {
      operators.forEach(operator -> operator.requireAlive("the reconcile of " + created + " PostgresClusters"));
      refused(clusters).ifPresent(condition -> {
        throw new AssertionError("the operator refused a PostgresCluster in " + namespace + " (" + condition.getReason()
            + "): " + condition.getMessage() + "; the benchmark's clusters must be valid");
      });
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("after " + deadline + " only " + reconciled(clusters) + " of " + created
            + " PostgresClusters in " + namespace + " are reconciled (Reconciled conditions by reason: " + reasons(clusters)
            + "); operator logs: " + operators.stream().map(o -> o.log().toAbsolutePath().toString()).toList());
      }
      sleep(poll);
      clusters = clusters();
    }
  }

  private List<PostgresCluster> clusters() {
    return admin.resources(PostgresCluster.class).inNamespace(namespace)
        .list(new ListOptionsBuilder().withResourceVersion("0").build()).getItems();
  }

  /**
   * Clusters whose current generation the operator reconciled with every child in place: status
   * Reconciled=True at that generation (a refused spec is observed too, with Reconciled=False, and
   * is not counted: the step would measure no children).
   */
  int reconciled() {
    return reconciled(clusters());
  }

  private static int reconciled(List<PostgresCluster> clusters) {
    return (int) clusters.stream().filter(c -> reconciledCondition(c)
        .filter(condition -> Conditions.TRUE.equals(condition.getStatus())).isPresent()).count();
  }

  /** A Reconciled=False of the current generation with reason InvalidSpec: the operator will not go on. */
  private static Optional<Condition> refused(List<PostgresCluster> clusters) {
    return clusters.stream().map(ClusterLoad::reconciledCondition).flatMap(Optional::stream)
        .filter(condition -> Conditions.FALSE.equals(condition.getStatus()) && INVALID_SPEC.equals(condition.getReason()))
        .findFirst();
  }

  private static Map<String, Long> reasons(List<PostgresCluster> clusters) {
    return clusters.stream().collect(Collectors.groupingBy(c -> reconciledCondition(c)
        .map(condition -> condition.getStatus() + "/" + condition.getReason()).orElse("none yet"), TreeMap::new,
        Collectors.counting()));
  }

  /** The Reconciled condition of the cluster's current generation, if the operator wrote one. */
  private static Optional<Condition> reconciledCondition(PostgresCluster cluster) {
    if (cluster.getStatus() == null) {
      return Optional.empty();
    }
    return Conditions.find(cluster.getStatus().getConditions(), Conditions.RECONCILED)
        .filter(condition -> Objects.equals(condition.getObservedGeneration(), cluster.getMetadata().getGeneration()));
  }

  /** The objects the operator created and caches (its informers select the same label). */
  int children() {
    return childLists().stream().mapToInt(List::size).sum();
  }

  private List<List<? extends HasMetadata>> childLists() {
    return List.of(
        admin.apps().statefulSets().inNamespace(namespace).withLabels(MANAGED).list().getItems(),
        admin.pods().inNamespace(namespace).withLabels(MANAGED).list().getItems(),
        admin.services().inNamespace(namespace).withLabels(MANAGED).list().getItems(),
        admin.configMaps().inNamespace(namespace).withLabels(MANAGED).list().getItems(),
        admin.secrets().inNamespace(namespace).withLabels(MANAGED).list().getItems(),
        admin.policy().v1().podDisruptionBudget().inNamespace(namespace).withLabels(MANAGED).list().getItems());
  }

  /**
   * What the cached objects cost, measured in this JVM on the same typed fabric8 objects the
   * informers hold: per kind, how many and their average JSON size, whole and without
   * metadata.managedFields (which the API server adds and the operator never reads); then the
   * heap those objects retain, before and after dropping managedFields (used heap after a full GC,
   * so approximate to a few MiB).
   */
  String cacheCost() {
    long before = usedAfterGc();
    List<List<? extends HasMetadata>> kinds = new ArrayList<>(childLists());
    kinds.add(0, admin.resources(PostgresCluster.class).inNamespace(namespace).list().getItems());
    long withManagedFields = usedAfterGc() - before;
    StringBuilder out = new StringBuilder(String.format("%-22s %6s %12s %22s%n", "kind", "count", "avg JSON B",
        "without managedFields"));
    for (List<? extends HasMetadata> items : kinds) {
      if (items.isEmpty()) {
        continue;
      }
      long whole = 0;
      long stripped = 0;
      for (HasMetadata item : items) {
        whole += Serialization.asJson(item).length();
        item.getMetadata().setManagedFields(null);
        stripped += Serialization.asJson(item).length();
      }
      out.append(String.format("%-22s %6d %12d %22d%n", items.get(0).getKind(), items.size(), whole / items.size(),
          stripped / items.size()));
    }
    long withoutManagedFields = usedAfterGc() - before;
    out.append(String.format("heap retained by these objects: %.1f MiB; without managedFields: %.1f MiB%n",
        withManagedFields / 1048576.0, withoutManagedFields / 1048576.0));
    if (kinds.isEmpty()) {
      throw new IllegalStateException("unreachable: keeps the lists alive until here");
    }
    return out.toString();
  }

  private static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  /**
   * Deletes the clusters, their children and the namespace. Without a garbage collector or a
   * namespace controller nothing else would, and the next profile's lists would be slower.
   */
  void deleteAll() {
    admin.resources(PostgresCluster.class).inNamespace(namespace).delete();
    admin.apps().statefulSets().inNamespace(namespace).withLabels(MANAGED).delete();
    admin.pods().inNamespace(namespace).withLabels(MANAGED).withGracePeriod(0).delete();
    admin.services().inNamespace(namespace).withLabels(MANAGED).delete();
    admin.configMaps().inNamespace(namespace).withLabels(MANAGED).delete();
    admin.secrets().inNamespace(namespace).withLabels(MANAGED).delete();
    admin.policy().v1().podDisruptionBudget().inNamespace(namespace).withLabels(MANAGED).delete();
    admin.v1().events().inNamespace(namespace).delete();
    admin.namespaces().withName(namespace).delete();
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
