package io.pgoperator.app.postgres.primary;

import io.fabric8.kubernetes.api.model.Quantity;
import io.pgoperator.api.v1alpha1.FailoverSpec;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.cli.GoDuration;
import io.pgoperator.app.postgres.children.PostgresStatefulSet;
import java.time.Duration;

/** The failover settings of a cluster's spec, with their defaults (the CRD's patterns admit only valid values). */
final class FailoverSettings {

  private FailoverSettings() {
  }

  static long maxStandbyLagBytes(PostgresCluster cluster) {
    return PostgresStatefulSet.maxStandbyLagBytes(cluster);
  }

  /** spec.failover.maximumLag, else spec.maxStandbyLag. */
  static long failoverMaximumLagBytes(PostgresCluster cluster) {
    FailoverSpec failover = cluster.getSpec().getFailover();
    if (failover == null || failover.getMaximumLag() == null) {
      return maxStandbyLagBytes(cluster);
    }
    return new Quantity(failover.getMaximumLag()).getNumericalAmount().longValue();
  }

  static Duration failoverDelay(PostgresCluster cluster) {
    FailoverSpec failover = cluster.getSpec().getFailover();
    String delay = failover == null || failover.getDelay() == null ? FailoverSpec.DEFAULT_DELAY : failover.getDelay();
    try {
      return GoDuration.parse(delay);
    } catch (IllegalArgumentException e) {
      return GoDuration.parse(FailoverSpec.DEFAULT_DELAY);
    }
  }
}
