package io.pgoperator.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.runtime.http.BindAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineOptionsTest {

  @TempDir Path dir;

  private OperatorOptions run(Map<String, String> env, String... args) {
    return run(env, dir.resolve("no-namespace-file"), args);
  }

  private static OperatorOptions run(Map<String, String> env, Path nsFile, String... args) {
    ParseOutcome outcome = OperatorCommandLine.parse(args, env, nsFile);
    assertThat(outcome).isInstanceOf(ParseOutcome.Run.class);
    assertThat(outcome.exitCode()).isZero();
    return ((ParseOutcome.Run) outcome).options();
  }

  @Test
  void noFlagsGiveControllerRuntimeDefaults() {
    OperatorOptions o = run(Map.of());
    assertThat(o.leaderElect()).isFalse();
    assertThat(o.leaderElectionId()).isEqualTo("pg-operator.postgres.example.com");
    assertThat(o.leaderElectionNamespace()).isEqualTo("default");
    assertThat(o.leaderElectReleaseOnCancel()).isTrue();
    assertThat(o.exitOnLostLeadership()).isFalse();
    assertThat(o.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(o.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.healthProbeBindAddress()).isEqualTo(":8081");
    assertThat(o.metricsBindAddress()).isEqualTo(":8080");
    assertThat(o.maxConcurrentReconciles()).isEqualTo(1);
    assertThat(o.watchNamespaces()).isEmpty();
    assertThat(o.watchesAllNamespaces()).isTrue();
    assertThat(o.syncPeriod()).isEqualTo(Duration.ZERO);
    assertThat(o.periodicResync()).isFalse();
    assertThat(o.gracefulShutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.kubeconfig()).isEmpty();
    assertThat(o.logFormat()).isEqualTo("text");
    assertThat(o.logLevel()).isEqualTo("info");
    assertThat(o.embedded()).isFalse();
    assertThat(o.identity()).isEmpty();
    assertThat(o).isEqualTo(OperatorOptions.defaults());
  }

  @Test
  void everyFlagIsRead() throws IOException {
    Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\n");
    OperatorOptions o = run(Map.of(),
        "--leader-elect",
        "--leader-election-id=my-lock.example.org",
        "--leader-election-namespace", "ops",
        "--leader-elect-release-on-cancel=false",
        "--exit-on-lost-leadership=true",
        "--lease-duration=30s",
        "--renew-deadline=20s",
        "--retry-period=500ms",
        "--health-probe-bind-address=127.0.0.1:9441",
        "--metrics-bind-address=[::1]:9090",
        "--max-concurrent-reconciles=4",
        "--watch-namespace=team-a,team-b",
        "--sync-period=10m",
        "--graceful-shutdown-timeout=1m30s",
        "--cache-sync-timeout=45s",
        "--kubeconfig=" + kubeconfig,
        "--log-format=json",
        "--log-level=debug",
        "--embedded=false",
        "--identity=pod-0");
    assertThat(o).isEqualTo(new OperatorOptions(true, "my-lock.example.org", "ops", false, true,
        Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofMillis(500),
        "127.0.0.1:9441", "[::1]:9090", 4, List.of("team-a", "team-b"),
        Duration.ofMinutes(10), Duration.ofSeconds(90), Duration.ofSeconds(45), Optional.of(kubeconfig), "json", "debug",
        false, Optional.of("pod-0"), 0, Duration.ofSeconds(10)));
    assertThat(o.healthProbeAddress()).isEqualTo(BindAddress.parse("127.0.0.1:9441"));
    assertThat(o.metricsAddress().host()).isEqualTo("::1");
    assertThat(o.metricsAddress().port()).isEqualTo(9090);
  }

  @Test
  void booleanFlagsTakeNoValueOrAnAttachedOne() {
    assertThat(run(Map.of(), "--leader-elect").leaderElect()).isTrue();
    assertThat(run(Map.of(), "--leader-elect=true").leaderElect()).isTrue();
    assertThat(run(Map.of(), "--leader-elect=false").leaderElect()).isFalse();
    assertThat(run(Map.of(), "--leader-elect=TRUE").leaderElect()).isTrue();
  }

  @Test
  void everyFlagCanComeFromItsEnvironmentVariable() {
    OperatorOptions o = run(Map.ofEntries(
        Map.entry("PG_OPERATOR_LEADER_ELECT", "true"),
        Map.entry("PG_OPERATOR_LEADER_ELECTION_ID", "env-lock"),
        Map.entry("PG_OPERATOR_LEADER_ELECTION_NAMESPACE", "env-ns"),
        Map.entry("PG_OPERATOR_LEADER_ELECT_RELEASE_ON_CANCEL", "false"),
        Map.entry("PG_OPERATOR_EXIT_ON_LOST_LEADERSHIP", "true"),
        Map.entry("PG_OPERATOR_LEASE_DURATION", "40s"),
        Map.entry("PG_OPERATOR_RENEW_DEADLINE", "30s"),
        Map.entry("PG_OPERATOR_RETRY_PERIOD", "5s"),
        Map.entry("PG_OPERATOR_HEALTH_PROBE_BIND_ADDRESS", ":18081"),
        Map.entry("PG_OPERATOR_METRICS_BIND_ADDRESS", "0"),
        Map.entry("PG_OPERATOR_MAX_CONCURRENT_RECONCILES", "8"),
        Map.entry("PG_OPERATOR_WATCH_NAMESPACE", "a, b ,a"),
        Map.entry("PG_OPERATOR_SYNC_PERIOD", "1h"),
        Map.entry("PG_OPERATOR_GRACEFUL_SHUTDOWN_TIMEOUT", "5s"),
        Map.entry("PG_OPERATOR_LOG_FORMAT", "JSON"),
        Map.entry("PG_OPERATOR_LOG_LEVEL", "warn"),
        Map.entry("PG_OPERATOR_EMBEDDED", "false"),
        Map.entry("PG_OPERATOR_IDENTITY", "env-identity")));
    assertThat(o).isEqualTo(new OperatorOptions(true, "env-lock", "env-ns", false, true,
        Duration.ofSeconds(40), Duration.ofSeconds(30), Duration.ofSeconds(5), ":18081", "0", 8,
        List.of("a", "b"), Duration.ofHours(1), Duration.ofSeconds(5), Duration.ofMinutes(2), Optional.empty(), "json",
        "warn", false, Optional.of("env-identity"), 0, Duration.ofSeconds(10)));
    assertThat(o.metricsEnabled()).isFalse();
    assertThat(o.metricsAddress().isDisabled()).isTrue();
  }

  @Test
  void embeddedModeElectsALeaderInTheDemoServersDefaultNamespaceAndSaysSo() {
    OperatorOptions o = run(Map.of("POD_NAMESPACE", "ops"), "--embedded", "--lease-duration=20s",
        "--leader-elect-release-on-cancel=false");
    assertThat(o.embedded()).isTrue();
    assertThat(o.leaderElect()).isTrue();
    assertThat(o.leaderElectionNamespace()).isEqualTo("default");
    assertThat(o.leaseDuration()).isEqualTo(Duration.ofSeconds(20));
    assertThat(o.leaderElectReleaseOnCancel()).isFalse();
    assertThat(o.describe())
        .contains("leader-elect=true ", "leader-election-namespace=default ", "identity=replica-1..3 ",
            "kubeconfig=<embedded API server> ", "embedded=true")
        .doesNotContain("leader-elect=false", "<computed>");
  }

  @Test
  void shardsImplyLeaderElectionWithATenSecondDrainByDefault() {
    OperatorOptions o = run(Map.of(), "--shards=16");
    assertThat(o.shards()).isEqualTo(16);
    assertThat(o.sharded()).isTrue();
    assertThat(o.leaderElect()).isTrue();
    assertThat(o.shardDrainTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.describe()).contains("leader-elect=true", "shards=16", "shard-drain-timeout=10s");
    // As deploy/components/sharding runs it: --leader-elect stays and is harmless.
    assertThat(run(Map.of(), "--leader-elect", "--shards=16")).isEqualTo(o);
  }

  @Test
  void shardsAndTheirDrainTimeoutComeFromFlagsOrEnvironment() {
    OperatorOptions flags = run(Map.of(), "--shards", "4", "--shard-drain-timeout=3s");
    assertThat(flags.shards()).isEqualTo(4);
    assertThat(flags.shardDrainTimeout()).isEqualTo(Duration.ofSeconds(3));
    OperatorOptions env = run(Map.of("PG_OPERATOR_SHARDS", "16", "PG_OPERATOR_SHARD_DRAIN_TIMEOUT", "1m"));
    assertThat(env.shards()).isEqualTo(16);
    assertThat(env.leaderElect()).isTrue();
    assertThat(env.shardDrainTimeout()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void shardsZeroAndTheLimitsAreAccepted() {
    OperatorOptions off = run(Map.of(), "--shards=0");
    assertThat(off.sharded()).isFalse();
    assertThat(off.leaderElect()).as("0 keeps the single-leader defaults").isFalse();
    assertThat(off.describe()).contains("shards=0(off)");
    assertThat(run(Map.of(), "--shards=1").shards()).isEqualTo(1);
    assertThat(run(Map.of(), "--shards=256").shards()).isEqualTo(256);
    assertThat(run(Map.of(), "--shards=4", "--leader-election-id=" + "a".repeat(63)).leaderElectionId())
        .hasSize(63);
  }

  @Test
  void commandLineWinsOverEnvironment() {
    Map<String, String> env = Map.of(
        "PG_OPERATOR_LEADER_ELECT", "true",
        "PG_OPERATOR_LEASE_DURATION", "not-even-valid",
        "PG_OPERATOR_LOG_LEVEL", "trace");
    OperatorOptions o = run(env, "--leader-elect=false", "--lease-duration=20s");
    assertThat(o.leaderElect()).isFalse();
    assertThat(o.leaseDuration()).isEqualTo(Duration.ofSeconds(20));
    assertThat(o.logLevel()).isEqualTo("trace");
  }

  @Test
  void blankEnvironmentVariablesCountAsUnset() {
    OperatorOptions o = run(Map.of("PG_OPERATOR_LEASE_DURATION", " ",
        "PG_OPERATOR_IDENTITY", "", "POD_NAMESPACE", ""));
    assertThat(o.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(o.identity()).isEmpty();
    assertThat(o.leaderElectionNamespace()).isEqualTo("default");
  }

  @Test
  void lastRepetitionOfAFlagWinsButWatchNamespacesAccumulate() {
    OperatorOptions o = run(Map.of(), "--max-concurrent-reconciles=2",
        "--max-concurrent-reconciles=3", "--watch-namespace=a", "--watch-namespace", "b,c");
    assertThat(o.maxConcurrentReconciles()).isEqualTo(3);
    assertThat(o.watchNamespaces()).containsExactly("a", "b", "c");
  }

  @Test
  void leaseNamespaceComesFromPodNamespaceThenServiceAccountFileThenDefault() throws IOException {
    Path nsFile = Files.writeString(dir.resolve("namespace"), "from-file\n");
    assertThat(run(Map.of("POD_NAMESPACE", "from-env"), nsFile).leaderElectionNamespace())
        .isEqualTo("from-env");
    assertThat(run(Map.of(), nsFile).leaderElectionNamespace()).isEqualTo("from-file");
    assertThat(run(Map.of(), dir.resolve("absent")).leaderElectionNamespace())
        .isEqualTo("default");
    assertThat(run(Map.of("POD_NAMESPACE", "from-env"), nsFile,
        "--leader-election-namespace=flag").leaderElectionNamespace()).isEqualTo("flag");
  }

  @Test
  void metricsCanBeDisabledWithZero() {
    OperatorOptions o = run(Map.of(), "--metrics-bind-address=0");
    assertThat(o.metricsEnabled()).isFalse();
    assertThat(o.describe()).contains("metrics-bind-address=0(disabled)");
  }

  @Test
  void syncPeriodZeroIsOffAndOneSecondIsTheMinimum() {
    assertThat(run(Map.of(), "--sync-period=0").periodicResync()).isFalse();
    assertThat(run(Map.of(), "--sync-period=1s").syncPeriod()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void leaseTimingAtTheLimitIsAccepted() {
    // renew 2.5s > 1.2 x 2s = 2.4s; lease 2.8s leaves a write 244ms (> 200ms) beyond the 56ms allowance
    OperatorOptions o = run(Map.of(), "--lease-duration=2.8s", "--renew-deadline=2.5s",
        "--retry-period=2s");
    assertThat(o.renewDeadline()).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void describeIsOneLineOfSettingsAndNoEnvironment() {
    Map<String, String> env = Map.of("PG_OPERATOR_LEADER_ELECT", "true",
        "SOME_SECRET_TOKEN", "s3cr3t-value", "POD_NAMESPACE", "ops");
    String line = run(env, "--identity=pod-1").describe();
    assertThat(line).doesNotContain("\n").doesNotContain("s3cr3t-value")
        .contains("leader-elect=true", "leader-election-namespace=ops", "identity=pod-1",
            "lease-duration=15s", "watch-namespace=<all>", "kubeconfig=<default>");
  }

  @Test
  void helpListsEveryFlagWithDefaultAndEnvironmentVariable() {
    ParseOutcome outcome = OperatorCommandLine.parse(new String[] {"--help"}, Map.of());
    assertThat(outcome).isInstanceOf(ParseOutcome.Print.class);
    assertThat(outcome.exitCode()).isZero();
    String help = ((ParseOutcome.Print) outcome).text();
    for (Flag flag : Flag.values()) {
      assertThat(help).contains(flag.longName(), flag.envVar());
    }
    assertThat(help).contains("Default: 15s. Env: PG_OPERATOR_LEASE_DURATION.",
        "Default: pg-operator.postgres.example.com.", "--version", "Usage: java -jar operator.jar");
  }

  @Test
  void valuesThatStartWithADashAreValues() {
    assertThat(run(Map.of(), "--identity=-host-1").identity()).contains("-host-1");
    assertThat(run(Map.of(), "--identity", "-Vx").identity()).contains("-Vx");
  }

  @Test
  void helpWinsOverOtherwiseBadValues() {
    ParseOutcome outcome =
        OperatorCommandLine.parse(new String[] {"--lease-duration=abc", "-h"}, Map.of());
    assertThat(outcome).isInstanceOf(ParseOutcome.Print.class);
  }

  @Test
  void versionPrintsTheBuildVersion() {
    ParseOutcome outcome = OperatorCommandLine.parse(new String[] {"--version"}, Map.of());
    assertThat(outcome).isInstanceOf(ParseOutcome.Print.class);
    assertThat(outcome.exitCode()).isZero();
    assertThat(((ParseOutcome.Print) outcome).text())
        .isEqualTo("pg-operator " + OperatorCommandLine.version() + "\n");
    // Maven filtered the properties file, so this is the project version, not a placeholder.
    assertThat(OperatorCommandLine.version()).isNotEqualTo("unknown").doesNotContain("${")
        .matches("\\d+\\.\\d+\\.\\d+.*");
  }
}
