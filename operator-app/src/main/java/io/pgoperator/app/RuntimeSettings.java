package io.pgoperator.app;

import io.pgoperator.app.cli.OperatorOptions;
import io.pgoperator.runtime.RuntimeOptions;
import io.pgoperator.runtime.leader.LeaderElectionConfig;
import io.pgoperator.runtime.shard.ShardingConfig;
import java.util.Optional;

/** Maps the command line onto the runtime's settings. */
final class RuntimeSettings {

  private RuntimeSettings() {}

  static RuntimeOptions from(OperatorOptions options) {
    return new RuntimeOptions(
        options.healthProbeAddress(),
        options.metricsAddress(),
        leaderElection(options),
        options.watchNamespaces(),
        options.maxConcurrentReconciles(),
        options.syncPeriod(),
        options.gracefulShutdownTimeout(),
        options.cacheSyncTimeout(),
        sharding(options));
  }

  static Optional<ShardingConfig> sharding(OperatorOptions options) {
    if (!options.sharded()) {
      return Optional.empty();
    }
    return leaderElection(options)
        .map(lease -> new ShardingConfig(lease, options.shards(), options.shardDrainTimeout()));
  }

  /** The single Lease's election; with --shards, the member Leases' settings. */
  static Optional<LeaderElectionConfig> leaderElection(OperatorOptions options) {
    if (!options.leaderElect()) {
      return Optional.empty();
    }
    LeaderElectionConfig config = LeaderElectionConfig
        .of(options.leaderElectionNamespace(), options.leaderElectionId())
        .withTimings(options.leaseDuration(), options.renewDeadline(), options.retryPeriod())
        .withReleaseOnCancel(options.leaderElectReleaseOnCancel())
        .withExitOnLostLeadership(options.exitOnLostLeadership());
    return Optional.of(options.identity().map(config::withIdentity).orElse(config));
  }
}
