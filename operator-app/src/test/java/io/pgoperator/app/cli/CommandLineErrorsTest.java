package io.pgoperator.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each bad input gives exactly one {@code error:} line (then the usage hint) and exit code 2. */
class CommandLineErrorsTest {

  private static final String DURATION_HINT = "(want a Go duration such as 15s, 1m30s, 500ms)";

  @TempDir Path dir;

  private String errorFor(Map<String, String> env, String... args) {
    ParseOutcome outcome = OperatorCommandLine.parse(args, env, dir.resolve("no-namespace"));
    assertThat(outcome).isInstanceOf(ParseOutcome.Fail.class);
    assertThat(outcome.exitCode()).isEqualTo(2);
    String line = ((ParseOutcome.Fail) outcome).errorLine();
    assertThat(line).startsWith("error: ").doesNotContain("\n").doesNotContain("\r");
    return line;
  }

  private String errorFor(String... args) {
    return errorFor(Map.of(), args);
  }

  @Test
  void unknownFlag() {
    assertThat(errorFor("--foo")).isEqualTo("error: unknown flag --foo");
    assertThat(errorFor("--foo=bar")).isEqualTo("error: unknown flag --foo");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--kubeconfig=/tmp/kubeconfig", "--identity=pod-0", "--leader-elect=false",
      "--leader-election-namespace=ops", "--exit-on-lost-leadership"})
  void flagsThatEmbeddedModeDecidesItselfAreRefusedWithIt(String flag) {
    String name = flag.contains("=") ? flag.substring(0, flag.indexOf('=')) : flag;
    assertThat(errorFor("--embedded", flag)).isEqualTo("error: " + name + " cannot be used with --embedded:"
        + " embedded mode runs its own API server and 3 replicas (replica-1..3) that always elect a leader"
        + " in namespace default");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--shards=4", "--shard-drain-timeout=3s"})
  void shardingIsRefusedWithEmbeddedMode(String flag) {
    String name = flag.substring(0, flag.indexOf('='));
    assertThat(errorFor("--embedded", flag)).startsWith("error: " + name + " cannot be used with --embedded:");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "300", "257", "abc", "1.5", ""})
  void shardsOutsideZeroTo256(String value) {
    assertThat(errorFor("--shards=" + value)).isEqualTo("error: invalid value for --shards: \"" + value
        + "\" (want a whole number from 1 to 256, or 0 for a single leader)");
  }

  @Test
  void badShardsFromEnvironmentNamesTheVariable() {
    assertThat(errorFor(Map.of("PG_OPERATOR_SHARDS", "many")))
        .isEqualTo("error: invalid value for PG_OPERATOR_SHARDS: \"many\" (want a whole number from 1 to 256,"
            + " or 0 for a single leader)");
  }

  @Test
  void shardsContradictTheSingleLeaderFlags() {
    assertThat(errorFor("--shards=4", "--leader-elect=false")).isEqualTo(
        "error: --leader-elect=false cannot be used with --shards: the replicas share the slots through Leases");
    assertThat(errorFor("--shards=4", "--exit-on-lost-leadership=true")).isEqualTo(
        "error: --exit-on-lost-leadership cannot be used with --shards: a replica that loses its membership"
            + " gives up its slots and rejoins without restarting");
    assertThat(errorFor(Map.of("PG_OPERATOR_LEADER_ELECT", "false"), "--shards=4"))
        .startsWith("error: PG_OPERATOR_LEADER_ELECT=false cannot be used with --shards:");
  }

  @Test
  void shardedLeaderElectionIdMustFitALabelValue() {
    assertThat(errorFor("--shards=4", "--leader-election-id=" + "a".repeat(64))).isEqualTo(
        "error: --leader-election-id must be at most 63 characters with --shards (it names the ring in a label),"
            + " got 64");
  }

  @Test
  void nonPositiveShardDrainTimeout() {
    assertThat(errorFor("--shards=4", "--shard-drain-timeout=0")).isEqualTo("error: invalid value for"
        + " --shard-drain-timeout: \"0\" (want a Go duration greater than 0, such as 10s)");
    assertThat(errorFor("--shard-drain-timeout=soon"))
        .isEqualTo("error: invalid value for --shard-drain-timeout: \"soon\" " + DURATION_HINT);
  }

  @Test
  void embeddedModeNamesTheEnvironmentVariableThatConflicts() {
    assertThat(errorFor(Map.of("PG_OPERATOR_IDENTITY", "pod-0"), "--embedded"))
        .startsWith("error: PG_OPERATOR_IDENTITY cannot be used with --embedded:");
  }

  @Test
  void mistypedFlagGetsASuggestion() {
    assertThat(errorFor("--lease-duraton=1s"))
        .isEqualTo("error: unknown flag --lease-duraton (did you mean --lease-duration?)");
    assertThat(errorFor("-leader-elect"))
        .isEqualTo("error: unknown flag -leader-elect (did you mean --leader-elect?)");
    assertThat(errorFor("-version"))
        .isEqualTo("error: unknown flag -version (did you mean --version?)");
  }

  @Test
  void positionalArgument() {
    assertThat(errorFor("run"))
        .isEqualTo("error: unexpected argument \"run\" (this command takes only flags)");
  }

  @Test
  void missingValue() {
    assertThat(errorFor("--lease-duration")).isEqualTo("error: missing value for --lease-duration");
    assertThat(errorFor("--kubeconfig", "--leader-elect"))
        .isEqualTo("error: missing value for --kubeconfig");
  }

  @Test
  void badDuration() {
    assertThat(errorFor("--lease-duration=abc"))
        .isEqualTo("error: invalid value for --lease-duration: \"abc\" " + DURATION_HINT);
    assertThat(errorFor("--renew-deadline", "10"))
        .isEqualTo("error: invalid value for --renew-deadline: \"10\" " + DURATION_HINT);
  }

  @Test
  void badDurationFromEnvironmentNamesTheVariable() {
    assertThat(errorFor(Map.of("PG_OPERATOR_LEASE_DURATION", "abc")))
        .isEqualTo("error: invalid value for PG_OPERATOR_LEASE_DURATION: \"abc\" " + DURATION_HINT);
  }

  @Test
  void nonPositiveDurations() {
    assertThat(errorFor("--retry-period=0"))
        .isEqualTo("error: invalid value for --retry-period: \"0\" (want a Go duration greater"
            + " than 0, such as 2s)");
    assertThat(errorFor("--graceful-shutdown-timeout=-5s"))
        .isEqualTo("error: invalid value for --graceful-shutdown-timeout: \"-5s\" (want a Go"
            + " duration greater than 0, such as 30s)");
  }

  @Test
  void syncPeriodBelowOneSecond() {
    assertThat(errorFor("--sync-period=500ms"))
        .isEqualTo("error: invalid value for --sync-period: \"500ms\" (want 0 to disable, or a Go"
            + " duration of at least 1s such as 10m)");
  }

  @Test
  void badBoolean() {
    assertThat(errorFor("--leader-elect=yes"))
        .isEqualTo("error: invalid value for --leader-elect: \"yes\" (want true or false)");
    assertThat(errorFor(Map.of("PG_OPERATOR_EMBEDDED", "1")))
        .isEqualTo("error: invalid value for PG_OPERATOR_EMBEDDED: \"1\" (want true or false)");
  }

  @Test
  void badInt() {
    assertThat(errorFor("--max-concurrent-reconciles=two"))
        .isEqualTo("error: invalid value for --max-concurrent-reconciles: \"two\" (want a whole"
            + " number of at least 1)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1"})
  void zeroOrNegativeMaxConcurrentReconciles(String value) {
    assertThat(errorFor("--max-concurrent-reconciles=" + value))
        .isEqualTo("error: invalid value for --max-concurrent-reconciles: \"" + value
            + "\" (want a whole number of at least 1)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"8081", "localhost", "::1:8080", "[::1:8080", "[zz::1]:80",
      "bad_host:80", "300.1.1.1:80", "1.2.3:80", "-host:80", "0"})
  void badBindAddress(String value) {
    assertThat(errorFor("--health-probe-bind-address=" + value))
        .startsWith("error: invalid value for --health-probe-bind-address: \"" + value + "\" (")
        .endsWith("want host:port such as :8080, 127.0.0.1:8080 or [::1]:8080)");
  }

  @Test
  void bindAddressErrorsNameTheProblem() {
    assertThat(errorFor("--health-probe-bind-address=300.1.1.1:80"))
        .isEqualTo("error: invalid value for --health-probe-bind-address: \"300.1.1.1:80\""
            + " (invalid IPv4 host 300.1.1.1; want host:port such as :8080, 127.0.0.1:8080 or"
            + " [::1]:8080)");
    assertThat(errorFor("--health-probe-bind-address=0"))
        .isEqualTo("error: invalid value for --health-probe-bind-address: \"0\" (this server"
            + " cannot be disabled; want host:port such as :8080, 127.0.0.1:8080 or [::1]:8080)");
    assertThat(errorFor("--metrics-bind-address=localhost"))
        .isEqualTo("error: invalid value for --metrics-bind-address: \"localhost\" (missing"
            + " port; want host:port such as :8080, 127.0.0.1:8080 or [::1]:8080, or 0 to"
            + " disable)");
  }

  @ParameterizedTest
  @ValueSource(strings = {":65536", ":-1", ":", ":http", "host:123456"})
  void badPort(String value) {
    assertThat(errorFor("--metrics-bind-address=" + value))
        .isEqualTo("error: invalid value for --metrics-bind-address: \"" + value
            + "\" (port must be a number from 0 to 65535; want host:port such as :8080,"
            + " 127.0.0.1:8080 or [::1]:8080, or 0 to disable)");
  }

  @Test
  void badLogFormatAndLevel() {
    assertThat(errorFor("--log-format=xml"))
        .isEqualTo("error: invalid value for --log-format: \"xml\" (want text or json)");
    assertThat(errorFor("--log-level=verbose")).isEqualTo("error: invalid value for --log-level:"
        + " \"verbose\" (want error, warn, info, debug or trace)");
  }

  @Test
  void badNamespaces() {
    assertThat(errorFor("--watch-namespace=ok,Not_OK"))
        .startsWith("error: invalid value for --watch-namespace: \"Not_OK\" (want comma-separated"
            + " namespaces, each a DNS-1123 label");
    assertThat(errorFor("--leader-election-namespace=" + "a".repeat(64)))
        .startsWith("error: invalid value for --leader-election-namespace: \"" + "a".repeat(64)
            + "\" (want a DNS-1123 label");
    assertThat(errorFor(Map.of("POD_NAMESPACE", "Bad")))
        .startsWith("error: invalid value for --leader-election-namespace (from POD_NAMESPACE):"
            + " \"Bad\" (want a DNS-1123 label");
  }

  @Test
  void badLeaderElectionId() {
    assertThat(errorFor("--leader-election-id=My_Lock"))
        .startsWith("error: invalid value for --leader-election-id: \"My_Lock\" (want a DNS-1123"
            + " subdomain");
  }

  @Test
  void leaseDurationMustExceedRenewDeadline() {
    assertThat(errorFor("--lease-duration=10s"))
        .isEqualTo("error: invalid leader election timing: --lease-duration (10s) must be greater"
            + " than --renew-deadline (10s)");
  }

  @Test
  void leaseDurationMustLeaveRoomForAFencedWrite() {
    assertThat(errorFor("--lease-duration=2.6s", "--renew-deadline=2.5s", "--retry-period=2s"))
        .isEqualTo("error: invalid leader election timing: --lease-duration (2.6s) minus --renew-deadline (2.5s)"
            + " must leave a write at least 200ms beyond a 2% clock allowance (52ms)");
  }

  @Test
  void renewDeadlineMustExceedJitteredRetryPeriod() {
    assertThat(errorFor("--renew-deadline=12s", "--retry-period=10s"))
        .isEqualTo("error: invalid leader election timing: --renew-deadline (12s) must be greater"
            + " than 1.2 x --retry-period (10s) = 12s");
  }

  @Test
  void nonexistentKubeconfig() {
    Path missing = dir.resolve("missing-kubeconfig");
    assertThat(errorFor("--kubeconfig=" + missing))
        .isEqualTo("error: invalid value for --kubeconfig: \"" + missing + "\" (no such file)");
    assertThat(errorFor("--kubeconfig", dir.toString()))
        .isEqualTo("error: invalid value for --kubeconfig: \"" + dir + "\" (not a regular file)");
  }

  @Test
  void controlCharactersInValuesStayOnOneLine() {
    assertThat(errorFor("--log-format=a\nb"))
        .isEqualTo("error: invalid value for --log-format: \"a\\nb\" (want text or json)");
  }

  @Test
  void failurePrintsExactlyTheErrorLineAndTheUsageHintToStderr() {
    ParseOutcome outcome = OperatorCommandLine.parse(new String[] {"--foo"}, Map.of());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    outcome.writeTo(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(out.size()).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
        "error: unknown flag --foo\nRun 'java -jar operator.jar --help' for usage.\n");
  }
}
