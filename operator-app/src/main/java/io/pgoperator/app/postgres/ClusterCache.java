package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.children.ChildNames;
import io.pgoperator.app.postgres.primary.InstancePods;
import io.pgoperator.app.postgres.primary.PrimaryRecord;
import java.util.ArrayList;
import io.pgoperator.runtime.reconcile.Request;
import io.pgoperator.runtime.source.InformerSource;
import java.util.List;

/**
 * The informer caches a reconcile reads: the PostgresClusters, the kinds they own (only
 * objects labelled {@code app.kubernetes.io/managed-by=pg-operator}) and their instance pods
 * (which the StatefulSet owns; they carry the same labels). Reconciles read only
 * from here, never LIST or GET on the hot path. Returned objects are shared with the
 * informers, and parts of them with other cached objects: never modify them (their
 * collections are immutable). They are in the form the caches keep
 * ({@link PostgresOperator#cacheTransform}): the cluster and its children whole, so that drift
 * is judged and a repair laid over exactly what the API server holds; instance pods only as
 * far as they are read ({@link io.pgoperator.app.postgres.primary.CachedPod}).
 */
public final class ClusterCache {

  private final InformerSource<PostgresCluster> clusters;
  private final InformerSource<StatefulSet> statefulSets;
  private final InformerSource<Service> services;
  private final InformerSource<ConfigMap> configMaps;
  private final InformerSource<Secret> secrets;
  private final InformerSource<PodDisruptionBudget> disruptionBudgets;
  private final InformerSource<Pod> pods;

  public ClusterCache(InformerSource<PostgresCluster> clusters,
      InformerSource<StatefulSet> statefulSets, InformerSource<Service> services,
      InformerSource<ConfigMap> configMaps, InformerSource<Secret> secrets,
      InformerSource<PodDisruptionBudget> disruptionBudgets, InformerSource<Pod> pods) {
    this.clusters = clusters;
    this.statefulSets = statefulSets;
    this.services = services;
    this.configMaps = configMaps;
    this.secrets = secrets;
    this.disruptionBudgets = disruptionBudgets;
    this.pods = pods;
  }

  /** The owned kinds' sources, for the ControllerVerticle: their events enqueue the owner. */
  public List<InformerSource<? extends HasMetadata>> ownedSources() {
    return List.of(statefulSets, services, configMaps, secrets, disruptionBudgets, pods);
  }

  public PostgresCluster cluster(Request request) {
    return clusters.get(request);
  }

  public StatefulSet statefulSet(String namespace, String name) {
    return statefulSets.get(new Request(namespace, name));
  }

  public Service service(String namespace, String name) {
    return services.get(new Request(namespace, name));
  }

  public ConfigMap configMap(String namespace, String name) {
    return configMaps.get(new Request(namespace, name));
  }

  public Secret secret(String namespace, String name) {
    return secrets.get(new Request(namespace, name));
  }

  public PodDisruptionBudget disruptionBudget(String namespace, String name) {
    return disruptionBudgets.get(new Request(namespace, name));
  }

  public Pod pod(String namespace, String name) {
    return pods.get(new Request(namespace, name));
  }

  /**
   * The cluster's instance pods the cache holds: ordinals below {@code instances}, and the
   * recorded primary and target wherever they are.
   */
  public InstancePods instancePods(PostgresCluster cluster, int instances) {
    String namespace = cluster.getMetadata().getNamespace();
    String name = cluster.getMetadata().getName();
    PrimaryRecord record = PrimaryRecord.of(cluster);
    List<String> names = new ArrayList<>();
    for (int ordinal = 0; ordinal < instances; ordinal++) {
      names.add(ChildNames.pod(name, ordinal));
    }
    for (String recorded : List.of(record.current(), record.target())) {
      if (!names.contains(recorded)) {
        names.add(recorded);
      }
    }
    List<Pod> found = new ArrayList<>();
    for (String pod : names) {
      Pod cached = pod(namespace, pod);
      if (cached != null) {
        found.add(cached);
      }
    }
    return new InstancePods(found);
  }

  /** Every child of {@code cluster} the caches hold, by the names the builders use. */
  Observed observe(PostgresCluster cluster) {
    String ns = cluster.getMetadata().getNamespace();
    String name = cluster.getMetadata().getName();
    return new Observed(
        secret(ns, ChildNames.credentialsSecret(name)),
        secret(ns, ChildNames.internalSecret(name)),
        secret(ns, ChildNames.caSecret(name)),
        secret(ns, ChildNames.serverTlsSecret(name)),
        configMap(ns, ChildNames.configMap(name)),
        configMap(ns, ChildNames.stateConfigMap(name)),
        service(ns, ChildNames.headlessService(name)),
        service(ns, ChildNames.readWriteService(name)),
        service(ns, ChildNames.readOnlyService(name)),
        statefulSet(ns, ChildNames.statefulSet(name)),
        disruptionBudget(ns, ChildNames.disruptionBudget(name)));
  }
}
