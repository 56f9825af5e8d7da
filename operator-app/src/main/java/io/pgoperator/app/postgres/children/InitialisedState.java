package io.pgoperator.app.postgres.children;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ConfigMap {@code <cluster>-state}: what the operator has decided and learnt of the cluster,
 * for its instances. Every instance pod mounts it (optional, outside the config hash, so writing
 * it restarts nothing); a container reads it as it starts, a running one sees changes as the
 * kubelet refreshes the mount (within about a minute). It names the recorded primary and its
 * epoch (an instance that is not the recorded primary never starts as one; a running primary
 * that learns of a newer epoch naming another shuts down to rejoin as a standby), and, once the
 * database exists, says so: the recorded primary then refuses to initialise a new, empty database
 * on a volume that came back empty, instead of silently replacing the cluster's data. Never
 * removed by the operator.
 */
public final class InitialisedState {

  /** "true" once the database exists. */
  public static final String INITIALISED = "initialised";
  /** The pod name of the recorded primary. */
  public static final String PRIMARY = "primary";
  /** The primary epoch: incremented with every move of the primary role. */
  public static final String EPOCH = "epoch";
  /** Where the pods mount it. */
  public static final String DIR = "/etc/pg-operator-state";

  private InitialisedState() {
  }

  /**
   * @param primary the instance to be primary (the record's target)
   * @param epoch the record's epoch
   * @param initialised whether the database exists
   */
  public static ConfigMap build(PostgresCluster cluster, String primary, long epoch, boolean initialised) {
    Map<String, String> data = new LinkedHashMap<>();
    if (initialised) {
      data.put(INITIALISED, "true");
    }
    data.put(PRIMARY, primary);
    data.put(EPOCH, Long.toString(epoch));
    return new ConfigMapBuilder()
        .withMetadata(ChildMeta.metadata(cluster,
            ChildNames.stateConfigMap(cluster.getMetadata().getName()), ChildMeta.COMPONENT_STATE))
        .withData(data)
        .build();
  }

  /** Whether a state ConfigMap (as cached) says the database exists. */
  public static boolean initialised(ConfigMap state) {
    return state != null && state.getData() != null && "true".equals(state.getData().get(INITIALISED));
  }
}
