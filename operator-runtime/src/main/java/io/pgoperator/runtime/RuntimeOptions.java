package io.pgoperator.runtime;

import io.pgoperator.runtime.http.BindAddress;
import io.pgoperator.runtime.leader.LeaderElectionConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything the runtime needs from the command line, already validated.
 *
 * @param leaderElection empty: a single replica leads with no Lease (local development)
 * @param watchNamespaces empty: all namespaces
 * @param syncPeriod periodic resync of every cached primary; zero turns it off
 * @param gracefulShutdownTimeout bound on the whole stop sequence
 * @param cacheSyncTimeout how long the informers may take to sync; a replica whose caches have not
 *     synced never competes for leadership, and fails {@code /healthz} once this has passed
 */
public record RuntimeOptions(
    BindAddress probeAddress,
    BindAddress metricsAddress,
    Optional<LeaderElectionConfig> leaderElection,
    List<String> watchNamespaces,
    int maxConcurrentReconciles,
    Duration syncPeriod,
    Duration gracefulShutdownTimeout,
    Duration cacheSyncTimeout) {

  /** controller-runtime's default CacheSyncTimeout. */
  public static final Duration DEFAULT_CACHE_SYNC_TIMEOUT = Duration.ofMinutes(2);

  public RuntimeOptions {
    watchNamespaces = List.copyOf(watchNamespaces);
  }

  /** With the default cache-sync timeout. */
  public RuntimeOptions(BindAddress probeAddress, BindAddress metricsAddress,
      Optional<LeaderElectionConfig> leaderElection, List<String> watchNamespaces, int maxConcurrentReconciles,
      Duration syncPeriod, Duration gracefulShutdownTimeout) {
    this(probeAddress, metricsAddress, leaderElection, watchNamespaces, maxConcurrentReconciles, syncPeriod,
        gracefulShutdownTimeout, DEFAULT_CACHE_SYNC_TIMEOUT);
  }
}
