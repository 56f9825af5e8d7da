package io.pgoperator.app.cli;

import io.pgoperator.runtime.http.BindAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The operator's validated settings, as parsed by {@link OperatorCommandLine#parse}. Values are
 * already checked (names, addresses, lease timing order); the constructor only guards against
 * nulls, so tests may build one directly.
 *
 * @param leaderElectionNamespace resolved: flag, else POD_NAMESPACE, else the in-cluster
 *     namespace file, else {@code default}
 * @param metricsBindAddress {@code host:port}, or {@code "0"} when metrics are disabled
 * @param watchNamespaces empty means all namespaces
 * @param syncPeriod {@link Duration#ZERO} means no periodic resync
 * @param kubeconfig empty means fabric8's usual resolution (KUBECONFIG, ~/.kube/config,
 *     in-cluster)
 * @param logFormat {@code text} or {@code json}
 * @param logLevel {@code error}, {@code warn}, {@code info}, {@code debug} or {@code trace}
 * @param identity empty means the leader elector computes one
 * @param shards 0: one leader reconciles everything; otherwise the number of slots the replicas
 *     share (leader election is then implied)
 * @param shardDrainTimeout with shards: how long a handoff waits for the slot's reconciles
 */
public record OperatorOptions(
    boolean leaderElect,
    String leaderElectionId,
    String leaderElectionNamespace,
    boolean leaderElectReleaseOnCancel,
    boolean exitOnLostLeadership,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    String healthProbeBindAddress,
    String metricsBindAddress,
    int maxConcurrentReconciles,
    List<String> watchNamespaces,
    Duration syncPeriod,
    Duration gracefulShutdownTimeout,
    Duration cacheSyncTimeout,
    Optional<Path> kubeconfig,
    String logFormat,
    String logLevel,
    boolean embedded,
    Optional<String> identity,
    int shards,
    Duration shardDrainTimeout) {

  public static final String DEFAULT_LEADER_ELECTION_ID = "pg-operator.postgres.example.com";
  public static final String METRICS_DISABLED = "0";
  /** The most slots {@code --shards} may ask for. */
  public static final int MAX_SHARDS = 256;
  /** The ring's name is a label value. */
  public static final int MAX_SHARDED_ID = 63;
  /** Operator replicas that {@code --embedded} runs in one process, each on ports 10 × its index up. */
  public static final int EMBEDDED_REPLICAS = 3;

  public OperatorOptions {
    Objects.requireNonNull(leaderElectionId, "leaderElectionId");
    Objects.requireNonNull(leaderElectionNamespace, "leaderElectionNamespace");
    Objects.requireNonNull(leaseDuration, "leaseDuration");
    Objects.requireNonNull(renewDeadline, "renewDeadline");
    Objects.requireNonNull(retryPeriod, "retryPeriod");
    Objects.requireNonNull(healthProbeBindAddress, "healthProbeBindAddress");
    Objects.requireNonNull(metricsBindAddress, "metricsBindAddress");
    watchNamespaces = List.copyOf(watchNamespaces);
    Objects.requireNonNull(syncPeriod, "syncPeriod");
    Objects.requireNonNull(gracefulShutdownTimeout, "gracefulShutdownTimeout");
    Objects.requireNonNull(cacheSyncTimeout, "cacheSyncTimeout");
    Objects.requireNonNull(kubeconfig, "kubeconfig");
    Objects.requireNonNull(logFormat, "logFormat");
    Objects.requireNonNull(logLevel, "logLevel");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(shardDrainTimeout, "shardDrainTimeout");
  }

  public boolean sharded() {
    return shards > 0;
  }

  /**
   * The settings with no flags and no environment, and the lease namespace {@code default};
   * handy in tests.
   */
  public static OperatorOptions defaults() {
    return OperatorCommandLine.defaults();
  }

  /** The health probe server's address; never disabled once read from flags. */
  public BindAddress healthProbeAddress() {
    return BindAddress.parse(healthProbeBindAddress);
  }

  public boolean metricsEnabled() {
    return !METRICS_DISABLED.equals(metricsBindAddress);
  }

  /** {@link BindAddress#isDisabled() Disabled} for {@code --metrics-bind-address=0}. */
  public BindAddress metricsAddress() {
    return BindAddress.parse(metricsBindAddress);
  }

  public boolean watchesAllNamespaces() {
    return watchNamespaces.isEmpty();
  }

  public boolean periodicResync() {
    return !syncPeriod.isZero();
  }

  /**
   * One line for the start-up log, keyed by flag name. It holds only the parsed settings, never
   * the environment, and none of the settings is a secret (the kubeconfig is shown as a path).
   */
  public String describe() {
    return String.join(" ",
        "leader-elect=" + leaderElect,
        "leader-election-id=" + leaderElectionId,
        "leader-election-namespace=" + leaderElectionNamespace,
        "leader-elect-release-on-cancel=" + leaderElectReleaseOnCancel,
        "exit-on-lost-leadership=" + exitOnLostLeadership,
        "lease-duration=" + GoDuration.format(leaseDuration),
        "renew-deadline=" + GoDuration.format(renewDeadline),
        "retry-period=" + GoDuration.format(retryPeriod),
        "identity=" + (embedded ? "replica-1.." + EMBEDDED_REPLICAS : identity.orElse("<computed>")),
        "health-probe-bind-address=" + healthProbeBindAddress,
        "metrics-bind-address=" + (metricsEnabled() ? metricsBindAddress : "0(disabled)"),
        "max-concurrent-reconciles=" + maxConcurrentReconciles,
        "watch-namespace=" + (watchesAllNamespaces() ? "<all>" : String.join(",", watchNamespaces)),
        "sync-period=" + (periodicResync() ? GoDuration.format(syncPeriod) : "0(off)"),
        "graceful-shutdown-timeout=" + GoDuration.format(gracefulShutdownTimeout),
        "cache-sync-timeout=" + GoDuration.format(cacheSyncTimeout),
        "kubeconfig=" + (embedded ? "<embedded API server>" : kubeconfig.map(Path::toString).orElse("<default>")),
        "log-format=" + logFormat,
        "log-level=" + logLevel,
        "embedded=" + embedded,
        "shards=" + (sharded() ? shards : "0(off)"),
        "shard-drain-timeout=" + GoDuration.format(shardDrainTimeout));
  }
}
