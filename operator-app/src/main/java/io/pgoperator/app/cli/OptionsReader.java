package io.pgoperator.app.cli;

import io.pgoperator.runtime.http.BindAddress;
import io.pgoperator.runtime.leader.LeaderElectionConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns raw flag values (command line, else environment, else default) into validated
 * {@link OperatorOptions}. Every error names where the bad value came from (the flag or the
 * environment variable) and what is wanted instead.
 */
final class OptionsReader {

  /** A value as written, and where: {@code --lease-duration} or {@code PG_OPERATOR_...}. */
  record Raw(String value, String source) {}

  static final String POD_NAMESPACE = "POD_NAMESPACE";
  private static final String WANT_DURATION = "want a Go duration such as 15s, 1m30s, 500ms";
  private static final Set<String> LOG_FORMATS = Set.of("text", "json");
  private static final Set<String> LOG_LEVELS = Set.of("error", "warn", "info", "debug", "trace");

  private final Function<Flag, Raw> given;
  private final Map<String, String> env;
  private final Path namespaceFile;

  /**
   * @param given the explicitly set value of a flag (command line wins over environment), or
   *     null when neither sets it
   */
  OptionsReader(Function<Flag, Raw> given, Map<String, String> env, Path namespaceFile) {
    this.given = given;
    this.env = env;
    this.namespaceFile = namespaceFile;
  }

  OperatorOptions read() {
    boolean embedded = bool(Flag.EMBEDDED, false);
    if (embedded) {
      refuseWithEmbedded(Flag.KUBECONFIG, Flag.IDENTITY, Flag.LEADER_ELECT, Flag.LEADER_ELECTION_NAMESPACE,
          Flag.EXIT_ON_LOST_LEADERSHIP, Flag.SHARDS, Flag.SHARD_DRAIN_TIMEOUT);
    }
    // Embedded mode's replicas always elect a leader, in the demo API server's default namespace.
    boolean leaderElect = embedded || bool(Flag.LEADER_ELECT, false);
    String leaderElectionId = subdomain(Flag.LEADER_ELECTION_ID);
    String leaderElectionNamespace = embedded ? "default" : leaderElectionNamespace();
    boolean releaseOnCancel = bool(Flag.LEADER_ELECT_RELEASE_ON_CANCEL, true);
    boolean exitOnLostLeadership = bool(Flag.EXIT_ON_LOST_LEADERSHIP, false);
    Duration lease = positiveDuration(Flag.LEASE_DURATION, Duration.ofSeconds(15));
    Duration renew = positiveDuration(Flag.RENEW_DEADLINE, Duration.ofSeconds(10));
    Duration retry = positiveDuration(Flag.RETRY_PERIOD, Duration.ofSeconds(2));
    String probeAddress = bindAddress(Flag.HEALTH_PROBE_BIND_ADDRESS, ":8081", false);
    String metricsAddress = bindAddress(Flag.METRICS_BIND_ADDRESS, ":8080", true);
    int maxConcurrentReconciles = atLeastOne(Flag.MAX_CONCURRENT_RECONCILES, 1);
    List<String> watchNamespaces = namespaces(Flag.WATCH_NAMESPACE);
    Duration syncPeriod = syncPeriod();
    Duration shutdownTimeout = positiveDuration(Flag.GRACEFUL_SHUTDOWN_TIMEOUT,
        Duration.ofSeconds(30));
    Duration cacheSyncTimeout = positiveDuration(Flag.CACHE_SYNC_TIMEOUT, Duration.ofMinutes(2));
    Optional<Path> kubeconfig = kubeconfig();
    String logFormat = oneOf(Flag.LOG_FORMAT, "text", LOG_FORMATS, "want text or json");
    String logLevel = oneOf(Flag.LOG_LEVEL, "info", LOG_LEVELS,
        "want error, warn, info, debug or trace");
    Optional<String> identity = Optional.ofNullable(given.apply(Flag.IDENTITY))
        .map(Raw::value)
        .filter(s -> !s.isBlank());
    int shards = shards();
    Duration shardDrainTimeout = positiveDuration(Flag.SHARD_DRAIN_TIMEOUT, Duration.ofSeconds(10));
    // Cross-flag rules last, so a single bad value is reported as such.
    checkLeaseTiming(lease, renew, retry);
    if (shards > 0) {
      checkShardingFlags(leaderElectionId);
      leaderElect = true;
    }
    return new OperatorOptions(leaderElect, leaderElectionId, leaderElectionNamespace,
        releaseOnCancel, exitOnLostLeadership, lease, renew, retry, probeAddress,
        metricsAddress, maxConcurrentReconciles, watchNamespaces, syncPeriod, shutdownTimeout,
        cacheSyncTimeout, kubeconfig, logFormat, logLevel, embedded, identity, shards, shardDrainTimeout);
  }

  private int shards() {
    Raw raw = given.apply(Flag.SHARDS);
    if (raw == null) {
      return 0;
    }
    try {
      int n = Integer.parseInt(raw.value());
      if (n >= 0 && n <= OperatorOptions.MAX_SHARDS) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below, together with the range
    }
    throw invalid(raw, "want a whole number from 1 to " + OperatorOptions.MAX_SHARDS + ", or 0 for a single leader");
  }

  /** Sharding replaces the single Lease: the flags that tune only that one contradict it. */
  private void checkShardingFlags(String leaderElectionId) {
    Raw leaderElect = given.apply(Flag.LEADER_ELECT);
    if (leaderElect != null && leaderElect.value().equalsIgnoreCase("false")) {
      throw new UsageException(leaderElect.source() + "=false cannot be used with " + Flag.SHARDS.longName()
          + ": the replicas share the slots through Leases");
    }
    Raw exit = given.apply(Flag.EXIT_ON_LOST_LEADERSHIP);
    if (exit != null && exit.value().equalsIgnoreCase("true")) {
      throw new UsageException(exit.source() + " cannot be used with " + Flag.SHARDS.longName()
          + ": a replica that loses its membership gives up its slots and rejoins without restarting");
    }
    if (leaderElectionId.length() > OperatorOptions.MAX_SHARDED_ID) {
      throw new UsageException(Flag.LEADER_ELECTION_ID.longName() + " must be at most "
          + OperatorOptions.MAX_SHARDED_ID + " characters with " + Flag.SHARDS.longName()
          + " (it names the ring in a label), got " + leaderElectionId.length());
    }
  }

  /** Flags that embedded mode decides itself: setting one is a mistake, not something to ignore. */
  private void refuseWithEmbedded(Flag... flags) {
    for (Flag flag : flags) {
      Raw raw = given.apply(flag);
      if (raw != null) {
        throw new UsageException(raw.source() + " cannot be used with " + Flag.EMBEDDED.longName()
            + ": embedded mode runs its own API server and " + OperatorOptions.EMBEDDED_REPLICAS
            + " replicas (replica-1.." + OperatorOptions.EMBEDDED_REPLICAS
            + ") that always elect a leader in namespace default");
      }
    }
  }

  private boolean bool(Flag flag, boolean dflt) {
    Raw raw = given.apply(flag);
    if (raw == null) {
      return dflt;
    }
    return switch (raw.value().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(raw, "want true or false");
    };
  }

  private String subdomain(Flag flag) {
    Raw raw = given.apply(flag);
    if (raw == null) {
      return OperatorOptions.DEFAULT_LEADER_ELECTION_ID;
    }
    if (!Dns1123.isSubdomain(raw.value())) {
      throw invalid(raw, "want " + Dns1123.SUBDOMAIN_RULE);
    }
    return raw.value();
  }

  private String leaderElectionNamespace() {
    Raw raw = given.apply(Flag.LEADER_ELECTION_NAMESPACE);
    if (raw == null) {
      raw = inheritedNamespace();
    }
    if (raw == null) {
      return "default";
    }
    if (!Dns1123.isLabel(raw.value())) {
      throw invalid(raw, "want " + Dns1123.LABEL_RULE);
    }
    return raw.value();
  }

  /** The pod's own namespace: the downward API variable, else the service-account file. */
  private Raw inheritedNamespace() {
    String fromEnv = env.get(POD_NAMESPACE);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new Raw(fromEnv.trim(), Flag.LEADER_ELECTION_NAMESPACE.longName() + " (from "
          + POD_NAMESPACE + ")");
    }
    if (namespaceFile == null || !Files.isRegularFile(namespaceFile)) {
      return null;
    }
    try {
      String fromFile = Files.readString(namespaceFile, StandardCharsets.UTF_8).trim();
      return fromFile.isEmpty() ? null : new Raw(fromFile,
          Flag.LEADER_ELECTION_NAMESPACE.longName() + " (from " + namespaceFile + ")");
    } catch (IOException e) {
      throw new UsageException("cannot read the pod namespace from " + namespaceFile + ": "
          + e.getMessage() + "; set --leader-election-namespace");
    }
  }

  private Duration duration(Raw raw) {
    try {
      return GoDuration.parse(raw.value());
    } catch (IllegalArgumentException e) {
      throw invalid(raw, WANT_DURATION);
    }
  }

  private Duration positiveDuration(Flag flag, Duration dflt) {
    Raw raw = given.apply(flag);
    if (raw == null) {
      return dflt;
    }
    Duration d = duration(raw);
    if (d.isNegative() || d.isZero()) {
      throw invalid(raw, "want a Go duration greater than 0, such as " + flag.defaultText);
    }
    return d;
  }

  private Duration syncPeriod() {
    Raw raw = given.apply(Flag.SYNC_PERIOD);
    if (raw == null) {
      return Duration.ZERO;
    }
    Duration d = duration(raw);
    if (d.isNegative() || (!d.isZero() && d.compareTo(Duration.ofSeconds(1)) < 0)) {
      throw invalid(raw, "want 0 to disable, or a Go duration of at least 1s such as 10m");
    }
    return d;
  }

  /**
   * client-go's leader-election rules, leaseDuration > renewDeadline > 1.2 x retryPeriod, and room for a
   * fenced write between the first two (see LeaderElectionConfig#writeTimeout).
   */
  private void checkLeaseTiming(Duration lease, Duration renew, Duration retry) {
    if (lease.compareTo(renew) <= 0) {
      throw new UsageException("invalid leader election timing: --lease-duration ("
          + GoDuration.format(lease) + ") must be greater than --renew-deadline ("
          + GoDuration.format(renew) + ")");
    }
    Duration writeWindow = lease.minus(renew).minus(lease.dividedBy(50));
    if (writeWindow.compareTo(LeaderElectionConfig.MIN_WRITE_TIMEOUT) < 0) {
      throw new UsageException("invalid leader election timing: --lease-duration (" + GoDuration.format(lease)
          + ") minus --renew-deadline (" + GoDuration.format(renew) + ") must leave a write at least "
          + GoDuration.format(LeaderElectionConfig.MIN_WRITE_TIMEOUT) + " beyond a 2% clock allowance ("
          + GoDuration.format(lease.dividedBy(50)) + ")");
    }
    Duration jittered = retry.multipliedBy(12).dividedBy(10);
    if (renew.compareTo(jittered) <= 0) {
      throw new UsageException("invalid leader election timing: --renew-deadline ("
          + GoDuration.format(renew) + ") must be greater than 1.2 x --retry-period ("
          + GoDuration.format(retry) + ") = " + GoDuration.format(jittered));
    }
  }

  /** Validates with the runtime's parser, so whatever passes here the servers can bind. */
  private String bindAddress(Flag flag, String dflt, boolean zeroDisables) {
    Raw raw = given.apply(flag);
    if (raw == null) {
      return dflt;
    }
    String want = "want host:port such as :8080, 127.0.0.1:8080 or [::1]:8080"
        + (zeroDisables ? ", or 0 to disable" : "");
    BindAddress address;
    try {
      address = BindAddress.parse(raw.value());
    } catch (IllegalArgumentException e) {
      throw invalid(raw, e.getMessage() + "; " + want);
    }
    if (address.isDisabled() && !zeroDisables) {
      throw invalid(raw, "this server cannot be disabled; " + want);
    }
    return raw.value();
  }

  private int atLeastOne(Flag flag, int dflt) {
    Raw raw = given.apply(flag);
    if (raw == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(raw.value());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below, together with the range
    }
    throw invalid(raw, "want a whole number of at least 1");
  }

  private List<String> namespaces(Flag flag) {
    Raw raw = given.apply(flag);
    if (raw == null) {
      return List.of();
    }
    Set<String> names = new LinkedHashSet<>();
    for (String part : raw.value().split(",", -1)) {
      String name = part.trim();
      if (name.isEmpty()) {
        continue;
      }
      if (!Dns1123.isLabel(name)) {
        throw invalid(new Raw(name, raw.source()), "want comma-separated namespaces, each "
            + Dns1123.LABEL_RULE);
      }
      names.add(name);
    }
    return new ArrayList<>(names);
  }

  private Optional<Path> kubeconfig() {
    Raw raw = given.apply(Flag.KUBECONFIG);
    if (raw == null) {
      return Optional.empty();
    }
    Path path;
    try {
      path = Path.of(raw.value());
    } catch (InvalidPathException e) {
      throw invalid(raw, "not a valid path");
    }
    if (!Files.exists(path)) {
      throw invalid(raw, "no such file");
    }
    if (!Files.isRegularFile(path)) {
      throw invalid(raw, "not a regular file");
    }
    if (!Files.isReadable(path)) {
      throw invalid(raw, "file is not readable");
    }
    return Optional.of(path);
  }

  private String oneOf(Flag flag, String dflt, Set<String> allowed, String want) {
    Raw raw = given.apply(flag);
    if (raw == null) {
      return dflt;
    }
    String v = raw.value().toLowerCase(Locale.ROOT);
    if (!allowed.contains(v)) {
      throw invalid(raw, want);
    }
    return v;
  }

  private static UsageException invalid(Raw raw, String detail) {
    return new UsageException("invalid value for " + raw.source() + ": "
        + Quoting.quote(raw.value()) + " (" + detail + ")");
  }
}
