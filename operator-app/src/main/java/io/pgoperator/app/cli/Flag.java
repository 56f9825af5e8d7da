package io.pgoperator.app.cli;

import java.util.Locale;

/**
 * The flag table: one row per flag, from which the picocli spec, the help text and the
 * environment variable names are all derived, so they cannot drift apart. Constant names are
 * the flags in upper snake case: {@code LEASE_DURATION} is {@code --lease-duration} and
 * {@code PG_OPERATOR_LEASE_DURATION}.
 */
enum Flag {
  LEADER_ELECT(Kind.BOOLEAN, "false",
      "Enable leader election: only the replica holding the Lease reconciles."),
  LEADER_ELECTION_ID(Kind.VALUE, "<name>", OperatorOptions.DEFAULT_LEADER_ELECTION_ID,
      "Name of the Lease used for leader election (a DNS-1123 subdomain)."),
  LEADER_ELECTION_NAMESPACE(Kind.VALUE, "<namespace>",
      "$POD_NAMESPACE, else the pod's in-cluster namespace, else default",
      "Namespace of the leader-election Lease."),
  LEADER_ELECT_RELEASE_ON_CANCEL(Kind.BOOLEAN, "true",
      "Release the Lease on graceful shutdown, so a standby takes over at once."),
  EXIT_ON_LOST_LEADERSHIP(Kind.BOOLEAN, "false",
      "Exit the process when leadership is lost, instead of returning to standby."),
  LEASE_DURATION(Kind.VALUE, "<duration>", "15s",
      "How long a Lease is valid: standbys wait this long after the last renewal before"
          + " taking over."),
  RENEW_DEADLINE(Kind.VALUE, "<duration>", "10s",
      "How long the leader keeps trying to renew before it gives up leadership."),
  RETRY_PERIOD(Kind.VALUE, "<duration>", "2s",
      "How often candidates try to acquire or renew the Lease."),
  SHARDS(Kind.VALUE, "<n>", "0 (off)",
      "Split the PostgresClusters into n slots (1-256) shared by every replica, each slot owned"
          + " through a Lease of its own; implies leader election. 0 keeps one leader for all."),
  SHARD_DRAIN_TIMEOUT(Kind.VALUE, "<duration>", "10s",
      "With --shards: how long handing a slot to another replica waits for its reconciles."),
  HEALTH_PROBE_BIND_ADDRESS(Kind.VALUE, "<host:port>", ":8081",
      "Address of the /healthz and /readyz endpoints."),
  METRICS_BIND_ADDRESS(Kind.VALUE, "<host:port>", ":8080",
      "Address of the /metrics endpoint; 0 disables metrics."),
  MAX_CONCURRENT_RECONCILES(Kind.VALUE, "<n>", "1",
      "How many PostgresClusters may be reconciled in parallel (at least 1)."),
  WATCH_NAMESPACE(Kind.LIST, "<namespace>", "all namespaces",
      "Namespaces to watch, comma-separated (the flag may repeat); empty watches all."),
  SYNC_PERIOD(Kind.VALUE, "<duration>", "0 (off)",
      "Interval of periodic full resyncs; 0 disables them, otherwise at least 1s."),
  GRACEFUL_SHUTDOWN_TIMEOUT(Kind.VALUE, "<duration>", "30s",
      "How long shutdown waits for in-flight reconciles to finish."),
  CACHE_SYNC_TIMEOUT(Kind.VALUE, "<duration>", "2m",
      "How long the informer caches may take to sync; until they have, the replica does not compete"
          + " for leadership, and after this /healthz fails."),
  KUBECONFIG(Kind.VALUE, "<path>", "$KUBECONFIG, else ~/.kube/config, else in-cluster config",
      "Path to a kubeconfig file; it must exist and be readable."),
  LOG_FORMAT(Kind.VALUE, "<text|json>", "text",
      "Log format: text (human-readable) or json (one object per line)."),
  LOG_LEVEL(Kind.VALUE, "<level>", "info",
      "Log level: error, warn, info, debug or trace."),
  EMBEDDED(Kind.BOOLEAN, "false",
      "Start an in-process demo Kubernetes API server and run three replicas against it, with"
          + " leader election; not with --kubeconfig, --identity, --leader-elect,"
          + " --leader-election-namespace, --exit-on-lost-leadership, --shards or --shard-drain-timeout."),
  IDENTITY(Kind.VALUE, "<identity>", "computed by the leader elector",
      "Leader-election identity of this replica.");

  enum Kind { BOOLEAN, VALUE, LIST }

  static final String ENV_PREFIX = "PG_OPERATOR_";

  final Kind kind;
  final String paramLabel;
  final String defaultText;
  final String help;

  Flag(Kind kind, String defaultText, String help) {
    this(kind, "<true|false>", defaultText, help);
  }

  Flag(Kind kind, String paramLabel, String defaultText, String help) {
    this.kind = kind;
    this.paramLabel = paramLabel;
    this.defaultText = defaultText;
    this.help = help;
  }

  String longName() {
    return "--" + name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  String envVar() {
    return ENV_PREFIX + name();
  }
}
