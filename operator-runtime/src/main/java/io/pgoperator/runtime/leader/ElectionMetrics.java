package io.pgoperator.runtime.leader;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The election's meters, tagged {@code name=<lease name>}. Exported by Prometheus as
 * {@code leader_election_master_status} (client-go's gauge), {@code
 * leader_election_transitions_total}, {@code leader_election_renew_duration_seconds} and {@code
 * leader_election_takeovers_total{reason}}.
 */
final class ElectionMetrics {

  static final List<String> TAKEOVER_REASONS = List.of("released", "expired", "holder_terminated");

  private final Map<String, Counter> takeovers = new LinkedHashMap<>();
  private final Counter transitions;
  private final Timer renewDuration;

  ElectionMetrics(MeterRegistry registry, String leaseName, BooleanSupplier leading) {
    // Every reason from the start, at 0, so that rate() and alerts see the series before the first one.
    for (String reason : TAKEOVER_REASONS) {
      takeovers.put(reason, Counter.builder("leader_election_takeovers")
          .description("Lease takeovers by this replica, by what allowed them")
          .tag("name", leaseName)
          .tag("reason", reason)
          .register(registry));
    }
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

  /**
   * This replica took the Lease from another holder: {@code released} (it was free),
   * {@code expired} (unrenewed for its duration) or {@code holder_terminated} (the kubelet
   * reported the holder's process gone).
   */
  void tookOver(String reason) {
    Counter counter = takeovers.get(reason);
    if (counter == null) {
      throw new IllegalArgumentException("unknown takeover reason " + reason);
    }
    counter.increment();
  }

  void holderChanged() {
    transitions.increment();
  }

  void renewed(long nanos) {
    renewDuration.record(nanos, TimeUnit.NANOSECONDS);
  }
}
