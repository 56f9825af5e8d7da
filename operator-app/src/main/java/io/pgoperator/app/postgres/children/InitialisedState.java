package io.pgoperator.app.postgres.children;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import java.util.Map;

/**
 * The ConfigMap {@code <cluster>-state}, written once the cluster's database exists (its primary
 * was Ready) and never removed: every instance pod mounts it (optional, outside the config hash,
 * so writing it restarts nothing). With it, instance 0 refuses to initialise a new, empty database
 * on a volume that came back empty, instead of silently replacing the cluster's data.
 */
public final class InitialisedState {

  /** The key the instance script looks for. */
  public static final String INITIALISED = "initialised";
  /**
   * The pod name of the recorded primary. Without it (a cluster of an earlier version, or the
   * ConfigMap not written yet) the primary is instance 0. The instance script decides by it whether
   * a pod initialises, starts as it is, or rejoins as a standby (see {@link Scripts#INSTANCE}).
   */
  public static final String PRIMARY = "primary";
  /**
   * A decimal integer, at least 1, raised by the operator every time it moves the primary role,
   * written together with {@link #PRIMARY} before the operator promotes the new primary; absent,
   * the epoch is 0. A running primary that sees another pod recorded at a higher epoch than it
   * knows stops itself (see {@link Scripts#PROBE}).
   */
  public static final String EPOCH = "epoch";
  /** Where the pods mount it. */
  public static final String DIR = "/etc/pg-operator-state";

  private InitialisedState() {
  }

  public static ConfigMap build(PostgresCluster cluster) {
    return new ConfigMapBuilder()
        .withMetadata(ChildMeta.metadata(cluster,
            ChildNames.stateConfigMap(cluster.getMetadata().getName()), ChildMeta.COMPONENT_STATE))
        .withData(Map.of(INITIALISED, "true"))
        .build();
  }
}
