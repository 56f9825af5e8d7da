package io.pgoperator.app.postgres.children;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import java.util.Optional;

/**
 * The PodDisruptionBudget {@code <cluster>}: voluntary evictions (node drains) take down at
 * most one instance at a time. A single instance gets none: a budget of zero disruptions
 * would block every drain, and with one instance there is nothing to keep serving anyway.
 */
public final class DisruptionBudget {

  private DisruptionBudget() {
  }

  public static Optional<PodDisruptionBudget> build(PostgresCluster cluster) {
    if (ClusterServices.instances(cluster) <= 1) {
      return Optional.empty();
    }
    String name = cluster.getMetadata().getName();
    return Optional.of(new PodDisruptionBudgetBuilder()
        .withMetadata(ChildMeta.metadata(cluster, ChildNames.disruptionBudget(name),
            ChildMeta.COMPONENT_DATABASE))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(ChildMeta.podSelector(name))
        .endSelector()
        .endSpec()
        .build());
  }
}
