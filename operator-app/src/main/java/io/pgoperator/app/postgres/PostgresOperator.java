package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.children.ChildMeta;
import io.pgoperator.app.postgres.replication.InstanceAddresses;
import io.pgoperator.app.postgres.primary.CachedPod;
import io.pgoperator.app.postgres.primary.PrimaryMetrics;
import io.pgoperator.app.postgres.primary.PrimaryRoles;
import io.pgoperator.app.postgres.replication.InstanceClient;
import io.pgoperator.runtime.reconcile.Request;
import io.pgoperator.runtime.RuntimeContext;
import io.pgoperator.runtime.controller.ControllerVerticle;
import io.pgoperator.runtime.source.CacheTransform;
import io.pgoperator.runtime.source.InformerSource;
import io.pgoperator.runtime.source.KeyMapper;
import io.pgoperator.runtime.time.Clock;
import io.pgoperator.runtime.time.VertxClock;
import java.util.List;
import java.util.Map;

/** The PostgreSQL operator's controllers, wired onto the runtime: one, for PostgresClusters. */
public final class PostgresOperator {

  public static final String CONTROLLER = "postgrescluster";

  private PostgresOperator() {}

  public static List<ControllerVerticle> controllers(RuntimeContext context) {
    return controllers(context, InstanceAddresses.IN_CLUSTER);
  }

  /** @param addresses where the primaries are reached (tests: the local processes playing the pods) */
  public static List<ControllerVerticle> controllers(RuntimeContext context, InstanceAddresses addresses) {
    List<String> namespaces = context.options().watchNamespaces();
    InformerSource<PostgresCluster> clusters =
        new InformerSource<>(context.client(), PostgresCluster.class, namespaces, KeyMapper.self());
    ClusterCache cache = new ClusterCache(clusters,
        owned(context, StatefulSet.class), owned(context, Service.class), owned(context, ConfigMap.class),
        owned(context, Secret.class), owned(context, PodDisruptionBudget.class), instancePods(context));
    Clock clock = new VertxClock(context.vertx());
    EventRecorder events = new EventRecorder(context.calls(), clock, EventRecorder.localInstance());
    InstanceClient instances = new InstanceClient(context.vertx(), addresses);
    PrimaryRoles roles = new PrimaryRoles(context.calls(), instances, events, clock, new PrimaryMetrics(context.registry()));
    PrimaryMetrics.clustersWithoutPrimary(context.registry(), () -> clusters.list());
    PostgresClusterReconciler reconciler = new PostgresClusterReconciler(cache, context.calls(), events, clock,
        instances, roles);
    return List.of(new ControllerVerticle(context.controllerOptions(CONTROLLER), clusters,
        cache.ownedSources(), reconciler, context.ownership(), context.registry()));
  }

  /**
   * The instance pods, by the labels their StatefulSet's template gives them; each maps to its
   * cluster by the instance label (their controller owner is the StatefulSet). Only the fields
   * the operator reads are cached ({@link CachedPod}).
   */
  private static InformerSource<Pod> instancePods(RuntimeContext context) {
    return new InformerSource<>(context.client(), Pod.class, context.options().watchNamespaces(),
        Map.of(ChildMeta.MANAGED_BY, ChildMeta.OPERATOR, ChildMeta.COMPONENT, ChildMeta.COMPONENT_DATABASE),
        pod -> {
          Map<String, String> labels = pod.getMetadata().getLabels();
          String cluster = labels == null ? null : labels.get(ChildMeta.INSTANCE);
          return cluster == null ? List.of() : List.of(new Request(pod.getMetadata().getNamespace(), cluster));
        }, cacheTransform(Pod.class));
  }

  /** Only objects the operator manages are cached: Secrets and ConfigMaps are many in a cluster. */
  private static <T extends HasMetadata> InformerSource<T> owned(RuntimeContext context, Class<T> type) {
    return new InformerSource<>(context.client(), type, context.options().watchNamespaces(),
        Map.of(ChildMeta.MANAGED_BY, ChildMeta.OPERATOR),
        KeyMapper.controllerOwner(HasMetadata.getGroup(PostgresCluster.class), HasMetadata.getKind(PostgresCluster.class)),
        cacheTransform(type));
  }

  /**
   * What the caches keep of each kind: instance pods only as far as they are read; the children
   * whole, since drift detection compares them with what the builders make and a repair is
   * laid over the cached object.
   */
  @SuppressWarnings("unchecked")
  static <T extends HasMetadata> CacheTransform<T> cacheTransform(Class<T> type) {
    return type == Pod.class ? (CacheTransform<T>) CachedPod.FIELDS : CacheTransform.whole();
  }
}
