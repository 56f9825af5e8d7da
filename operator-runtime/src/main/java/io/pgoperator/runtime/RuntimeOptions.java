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
 */
public record RuntimeOptions(
    BindAddress probeAddress,
    BindAddress metricsAddress,
    Optional<LeaderElectionConfig> leaderElection,
    List<String> watchNamespaces,
    int maxConcurrentReconciles,
    Duration syncPeriod,
    Duration gracefulShutdownTimeout) {

  public RuntimeOptions {
    watchNamespaces = List.copyOf(watchNamespaces);
  }
}
