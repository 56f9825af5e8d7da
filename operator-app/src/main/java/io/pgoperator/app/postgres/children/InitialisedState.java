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
