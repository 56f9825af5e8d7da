package io.pgoperator.app.postgres.primary;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pgoperator.api.v1alpha1.Conditions;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * The database failover metrics: {@code pg_operator_primary_changes_total{reason}} (each failover
 * or switchover completed), {@code pg_operator_failovers_blocked_total} (a lost primary with no
 * standby allowed to replace it) and {@code pg_operator_primary_unavailable_seconds{reason}}:
 * from when the primary was lost (a failover) or the change began (a switchover) until the new
 * primary accepted writes and the -rw Service selected it. And
 * {@code pg_operator_clusters_without_primary}: clusters whose status says no primary accepts
 * writes (read from every replica's cache, so every replica reports the same).
 */
public final class PrimaryMetrics {

  private static final Duration[] BUCKETS = {Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
      Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(20),
      Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300)};

  private final MeterRegistry registry;
  private final Counter blocked;

  public PrimaryMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.blocked = Counter.builder("pg_operator_failovers_blocked")
        .description("Failovers not started because no standby could be promoted (too far behind, or none answered).")
        .register(registry);
    for (String reason : new String[] {"Failover", "Switchover"}) {
      changes(reason);
      unavailable(reason);
    }
  }

  /** Registers the gauge of clusters without a primary, counted over {@code clusters} at each scrape. */
  public static void clustersWithoutPrimary(MeterRegistry registry, Supplier<Collection<PostgresCluster>> clusters) {
    Gauge.builder("pg_operator_clusters_without_primary", () -> clusters.get().stream()
            .filter(PrimaryMetrics::withoutPrimary).count())
        .description("PostgresClusters whose database exists and whose status says no primary accepts writes"
            + " (condition PrimaryAvailable=False).")
        .register(registry);
  }

  static boolean withoutPrimary(PostgresCluster cluster) {
    return cluster.getStatus() != null && Boolean.TRUE.equals(cluster.getStatus().getInitialised())
        && Conditions.find(cluster.getStatus().getConditions(), Conditions.PRIMARY_AVAILABLE)
            .map(c -> Conditions.FALSE.equals(c.getStatus())).orElse(false);
  }

  public void completed(String reason, Duration unavailable) {
    changes(reason).increment();
    unavailable(reason).record(unavailable.isNegative() ? Duration.ZERO : unavailable);
  }

  public void blocked() {
    blocked.increment();
  }

  private Counter changes(String reason) {
    return Counter.builder("pg_operator_primary_changes")
        .description("Moves of a PostgreSQL cluster's primary role, completed, by reason (Failover or Switchover).")
        .tag("reason", reason)
        .register(registry);
  }

  private Timer unavailable(String reason) {
    return Timer.builder("pg_operator_primary_unavailable")
        .description("How long writes had no primary: from the primary's loss (Failover) or the change's start"
            + " (Switchover) until the new primary accepted writes behind the -rw Service.")
        .tag("reason", reason)
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }
}
