package io.pgoperator.app.postgres.children;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import java.util.LinkedHashMap;
import java.util.Map;

/** Labels and ownership shared by all children of a cluster. */
public final class ChildMeta {

  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String COMPONENT = "app.kubernetes.io/component";

  public static final String APP = "postgresql";
  public static final String OPERATOR = "pg-operator";

  /** Pods, their Services, the StatefulSet and the PodDisruptionBudget. */
  public static final String COMPONENT_DATABASE = "database";
  public static final String COMPONENT_CREDENTIALS = "credentials";
  public static final String COMPONENT_CONFIG = "config";
  public static final String COMPONENT_TLS = "tls";
  public static final String COMPONENT_STATE = "state";

  /**
   * An instance pod's role, written by the operator (never by the StatefulSet, whose template
   * leaves it out): {@value #ROLE_PRIMARY} on the primary once it accepts writes,
   * {@value #ROLE_REPLICA} on each instance seen in recovery. The Services select on it; an
   * instance without it (new, or an old primary being fenced) receives no traffic.
   */
  public static final String ROLE_LABEL = "postgres.example.com/role";
  public static final String ROLE_PRIMARY = "primary";
  public static final String ROLE_REPLICA = "replica";

  /** Set by the StatefulSet controller on each pod; the only per-ordinal pod label. */
  public static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";

  private ChildMeta() {
  }

  public static Map<String, String> labels(String cluster, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, APP);
    labels.put(INSTANCE, cluster);
    labels.put(MANAGED_BY, OPERATOR);
    labels.put(COMPONENT, component);
    return labels;
  }

  /**
   * Selects every database pod of the cluster. Kept to labels that never change: a
   * StatefulSet's selector is immutable.
   */
  public static Map<String, String> podSelector(String cluster) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(NAME, APP);
    selector.put(INSTANCE, cluster);
    selector.put(COMPONENT, COMPONENT_DATABASE);
    return selector;
  }

  /** Controller reference: garbage-collected with the cluster, deletion waits for it. */
  public static OwnerReference ownerReference(PostgresCluster cluster) {
    ObjectMeta meta = cluster.getMetadata();
    if (meta == null || meta.getName() == null || meta.getUid() == null) {
      throw new IllegalArgumentException("PostgresCluster "
          + (meta == null ? "?" : meta.getNamespace() + "/" + meta.getName())
          + " has no metadata.uid: children can only be built for a cluster read from the"
          + " API server");
    }
    return new OwnerReferenceBuilder()
        .withApiVersion(PostgresCluster.API_VERSION)
        .withKind(PostgresCluster.KIND)
        .withName(meta.getName())
        .withUid(meta.getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /** Name, namespace, labels and owner reference of a child. */
  static ObjectMeta metadata(PostgresCluster cluster, String name, String component) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(cluster.getMetadata().getNamespace())
        .withLabels(labels(cluster.getMetadata().getName(), component))
        .withOwnerReferences(ownerReference(cluster))
        .build();
  }
}
