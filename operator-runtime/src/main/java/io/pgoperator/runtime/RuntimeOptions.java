package io.pgoperator.runtime;

import io.pgoperator.runtime.http.BindAddress;
import io.pgoperator.runtime.leader.LeaderElectionConfig;
import io.pgoperator.runtime.shard.ShardingConfig;
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
 * @param sharding present: every replica reconciles a share of the keys (--shards), and {@code
 *     leaderElection} is not used
 */
public record RuntimeOptions(
    BindAddress probeAddress,
    BindAddress metricsAddress,
    Optional<LeaderElectionConfig> leaderElection,
    List<String> watchNamespaces,
    int maxConcurrentReconciles,
    Duration syncPeriod,
    Duration gracefulShutdownTimeout,
    Duration cacheSyncTimeout,
    Optional<ShardingConfig> sharding) {

  /** controller-runtime's default CacheSyncTimeout. */
  public static final Duration DEFAULT_CACHE_SYNC_TIMEOUT = Duration.ofMinutes(2);

  public RuntimeOptions {
    watchNamespaces = List.copyOf(watchNamespaces);
  }

  /** Without sharding. */
  public RuntimeOptions(BindAddress probeAddress, BindAddress metricsAddress,
      Optional<LeaderElectionConfig> leaderElection, List<String> watchNamespaces, int maxConcurrentReconciles,
      Duration syncPeriod, Duration gracefulShutdownTimeout, Duration cacheSyncTimeout) {
    this(probeAddress, metricsAddress, leaderElection, watchNamespaces, maxConcurrentReconciles, syncPeriod,
        gracefulShutdownTimeout, cacheSyncTimeout, Optional.empty());
  }

  /** With the default cache-sync timeout, without sharding. */
  public RuntimeOptions(BindAddress probeAddress, BindAddress metricsAddress,
      Optional<LeaderElectionConfig> leaderElection, List<String> watchNamespaces, int maxConcurrentReconciles,
      Duration syncPeriod, Duration gracefulShutdownTimeout) {
    this(probeAddress, metricsAddress, leaderElection, watchNamespaces, maxConcurrentReconciles, syncPeriod,
        gracefulShutdownTimeout, DEFAULT_CACHE_SYNC_TIMEOUT, Optional.empty());
  }
}
