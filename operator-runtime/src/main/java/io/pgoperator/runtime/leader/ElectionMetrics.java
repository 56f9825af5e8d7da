package io.pgoperator.runtime.leader;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The election's meters, tagged {@code name=<lease name>}. Exported by Prometheus as
 * {@code leader_election_master_status} (client-go's gauge), {@code
 * leader_election_transitions_total} and {@code leader_election_renew_duration_seconds}.
 */
final class ElectionMetrics {

  private final Counter transitions;
  private final Timer renewDuration;

  ElectionMetrics(MeterRegistry registry, String leaseName, BooleanSupplier leading) {
    Gauge.builder("leader_election_master_status", leading, l -> l.getAsBoolean() ? 1 : 0)
        .description("1 while this replica leads the lease, 0 otherwise")
        .tag("name", leaseName)
        .strongReference(true)
        .register(registry);
    transitions = Counter.builder("leader_election_transitions")
        .description("Changes of the lease holder seen by this replica")
        .tag("name", leaseName)
        .register(registry);
    // A few fixed buckets rather than a full percentile histogram: enough to see a slow API
    // server coming, without ~70 series per lease.
    renewDuration = Timer.builder("leader_election_renew_duration")
        .description("Latency of the leader's renew requests, failed ones included")
        .tag("name", leaseName)
        .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(5))
        .register(registry);
  }

  void holderChanged() {
    transitions.increment();
  }

  void renewed(long nanos) {
    renewDuration.record(nanos, TimeUnit.NANOSECONDS);
  }
}
