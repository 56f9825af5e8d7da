package io.pgoperator.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerts in components/prometheus/alerts.rules.yml fire when they should and only then,
 * evaluated by `promtool test rules` over synthetic series (annotations left out: their wording
 * is not behaviour).
 */
class DeployAlertsTest {

  private static final String JOB = "job=\"pg-operator-metrics\"";
  private static final String LEASE = "name=\"pg-operator.postgres.example.com\"";
  private static final Map<String, String> RING = Map.of("name", "pg-operator.postgres.example.com");

  @TempDir
  Path dir;

  @Test
  void noLeaderFiresWhenEveryReplicaReportsStandbyForOverAMinute() throws IOException {
    assertAlerts(Map.of(leader("a"), "0x10", leader("b"), "0x10"), "3m", "PgOperatorNoLeader",
        List.of(Map.of("severity", "critical")));
  }

  @Test
  void noLeaderStaysQuietWhileOneReplicaLeads() throws IOException {
    assertAlerts(Map.of(leader("a"), "1x10", leader("b"), "0x10"), "3m", "PgOperatorNoLeader", List.of());
  }

  @Test
  void noLeaderFiresWhenNoReplicaReportsLeaderStatusAtAll() throws IOException {
    assertAlerts(Map.of(up("a"), "1x10"), "3m", "PgOperatorNoLeader",
        List.of(Map.of("severity", "critical", "name", "pg-operator.postgres.example.com")));
  }

  @Test
  void noLeaderStaysQuietWhileTheReplicasAreShardedAndReportNoLeaderStatus() throws IOException {
    assertAlerts(Map.of(up("a"), "1x10", sharding("slots", "a"), "16x10"), "3m", "PgOperatorNoLeader", List.of());
  }

  @Test
  void slotsUnownedForOverAMinuteAreCritical() throws IOException {
    // Replica a sees 3 slots without an owner; b saw them too, then claimed them.
    Map<String, String> series = Map.of(sharding("slots_unowned", "a"), "3x10", sharding("slots_unowned", "b"),
        "3 3 0 0 0 0 0 0 0 0 0");
    assertAlerts(series, "3m", "PgOperatorSlotsUnowned", List.of(with(RING, "severity", "critical")));
  }

  @Test
  void slotsUnownedStaysQuietThroughATakeoverAfterAMemberLeaseExpires() throws IOException {
    // A crash leaves 5 slots unowned until the member Lease expires (15 s): under a minute.
    Map<String, String> series = Map.of(sharding("slots_unowned", "a"), "0 5 0 0 0 0",
        sharding("slots_unowned", "b"), "0 5 0 0 0 0");
    assertAlerts(series, "5m", "PgOperatorSlotsUnowned", List.of());
    assertAlerts(Map.of(sharding("slots_unowned", "a"), "0x10"), "5m", "PgOperatorSlotsUnowned", List.of());
  }

  @Test
  void slotsOverOwnedPagesWhenTheReplicasClaimMoreSlotsThanThereAre() throws IOException {
    Map<String, String> series = Map.of(sharding("slots", "a"), "16x10", sharding("slots", "b"), "16x10",
        sharding("slots_owned", "a"), "9x10", sharding("slots_owned", "b"), "8x10");
    assertAlerts(series, "3m", "PgOperatorSlotsOverOwned", List.of(with(RING, "severity", "critical")));
  }

  @Test
  void slotsOverOwnedStaysQuietWhenEverySlotHasOneOwnerOrAHandoffOverlapsOneScrape() throws IOException {
    Map<String, String> balanced = Map.of(sharding("slots", "a"), "16x10", sharding("slots", "b"), "16x10",
        sharding("slots_owned", "a"), "8x10", sharding("slots_owned", "b"), "8x10");
    assertAlerts(balanced, "3m", "PgOperatorSlotsOverOwned", List.of());
    // Scraped mid-handoff: b's new slot counted before a's drop, for one scrape.
    Map<String, String> handoff = Map.of(sharding("slots", "a"), "16x10", sharding("slots", "b"), "16x10",
        sharding("slots_owned", "a"), "8 8 7 7 7 7 7 7", sharding("slots_owned", "b"), "8 9 9 9 9 9 9 9");
    assertAlerts(handoff, "5m", "PgOperatorSlotsOverOwned", List.of());
  }

  @Test
  void shardingBlockedWarnsAfterFiveMinutesOnly() throws IOException {
    Map<String, String> series = Map.of(sharding("blocked", "a"), "1x10", sharding("blocked", "b"), "0x10");
    assertAlerts(series, "7m", "PgOperatorShardingBlocked", List.of(with(RING, "severity", "warning")));
    assertAlerts(series, "4m", "PgOperatorShardingBlocked", List.of());
    assertAlerts(Map.of(sharding("blocked", "a"), "0x10"), "7m", "PgOperatorShardingBlocked", List.of());
  }

  @Test
  void twoReplicasClaimingLeadershipIsReported() throws IOException {
    assertAlerts(Map.of(leader("a"), "1x10", leader("b"), "1x10"), "5m", "PgOperatorMultipleLeaders",
        List.of(Map.of("severity", "critical")));
  }

  @Test
  void reconcileErrorsFireAfterTenMinutesOfFailures() throws IOException {
    String errors = "controller_runtime_reconcile_errors_total{controller=\"postgrescluster\"," + JOB + ",instance=\"a\"}";
    assertAlerts(Map.of(errors, "0+2x30"), "20m", "PgOperatorReconcileErrors",
        List.of(Map.of("severity", "warning", "controller", "postgrescluster")));
    assertAlerts(Map.of(errors, "5x30"), "20m", "PgOperatorReconcileErrors", List.of());
  }

  @Test
  void workQueueBacklogFiresOnlyWhenItPersistsFifteenMinutes() throws IOException {
    String depth = "workqueue_depth{name=\"postgrescluster\",controller=\"postgrescluster\"," + JOB + ",instance=\"a\"}";
    assertAlerts(Map.of(depth, "150x30"), "20m", "PgOperatorWorkQueueBacklog",
        List.of(Map.of("severity", "warning", "name", "postgrescluster")));
    assertAlerts(Map.of(depth, "150x30"), "10m", "PgOperatorWorkQueueBacklog", List.of());
    assertAlerts(Map.of(depth, "50x30"), "20m", "PgOperatorWorkQueueBacklog", List.of());
  }

  @Test
  void cachesBehindFiresWhenKeysAreHeldFiveMinutes() throws IOException {
    String held = "controller_cache_held{controller=\"postgrescluster\"," + JOB + ",instance=\"a\"}";
    assertAlerts(Map.of(held, "1x10"), "7m", "PgOperatorCachesBehind",
        List.of(Map.of("severity", "warning", "controller", "postgrescluster")));
    assertAlerts(Map.of(held, "1x3 0x7"), "7m", "PgOperatorCachesBehind", List.of());
  }

  @Test
  void oneUnscrapableReplicaIsAWarningNotAnOutage() throws IOException {
    Map<String, String> series = Map.of(up("a"), "0x10", up("b"), "1x10");
    assertAlerts(series, "7m", "PgOperatorReplicaDown",
        List.of(Map.of("severity", "warning", "job", "pg-operator-metrics", "instance", "a")));
    assertAlerts(series, "7m", "PgOperatorDown", List.of());
  }

  @Test
  void operatorDownFiresWhenNoReplicaIsUpOrNoneIsScraped() throws IOException {
    assertAlerts(Map.of(up("a"), "0x10", up("b"), "0x10"), "7m", "PgOperatorDown",
        List.of(Map.of("severity", "critical")));
    assertAlerts(Map.of("up{job=\"something-else\",instance=\"x\"}", "1x10"), "7m", "PgOperatorDown",
        List.of(Map.of("severity", "critical")));
  }

  @Test
  void aClusterWithoutPrimaryForAMinuteIsCritical() throws IOException {
    String without = "pg_operator_clusters_without_primary{" + JOB + ",instance=\"a\"}";
    String standby = "pg_operator_clusters_without_primary{" + JOB + ",instance=\"b\"}";
    assertAlerts(Map.of(without, "0 0 1 1 1 1", standby, "0 0 1 1 1 1"), "5m", "PgClusterWithoutPrimary",
        List.of(Map.of("severity", "critical")));
    assertAlerts(Map.of(without, "0 0 1 0 0 0", standby, "0 0 1 0 0 0"), "5m", "PgClusterWithoutPrimary",
        List.of());
  }

  @Test
  void aBlockedFailoverIsCriticalWhileRecent() throws IOException {
    String blocked = "pg_operator_failovers_blocked_total{" + JOB + ",instance=\"a\"}";
    assertAlerts(Map.of(blocked, "0 0 1 2 2 2"), "5m", "PgClusterFailoverBlocked",
        List.of(Map.of("severity", "critical")));
    assertAlerts(Map.of(blocked, "0 0 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1"), "24m",
        "PgClusterFailoverBlocked", List.of());
  }

  private static String leader(String instance) {
    return "leader_election_master_status{" + LEASE + "," + JOB + ",instance=\"" + instance + "\"}";
  }

  private static String sharding(String metric, String instance) {
    return "controller_sharding_" + metric + "{" + LEASE + "," + JOB + ",instance=\"" + instance + "\"}";
  }

  private static Map<String, String> with(Map<String, String> labels, String key, String value) {
    Map<String, String> all = new TreeMap<>(labels);
    all.put(key, value);
    return all;
  }

  private static String up(String instance) {
    return "up{" + JOB + ",instance=\"" + instance + "\"}";
  }

  /** Runs one promtool unit test: these series, evaluated at evalTime, give exactly these alerts. */
  private void assertAlerts(Map<String, String> series, String evalTime, String alert,
      List<Map<String, String>> expectedLabels) throws IOException {
    Files.writeString(dir.resolve("rules.yml"), DeployManifests.SERIALIZATION.asYaml(rulesWithoutAnnotations()));
    Map<String, Object> test = Map.of(
        "rule_files", List.of("rules.yml"),
        "evaluation_interval", "1m",
        "tests", List.of(Map.of(
            "interval", "1m",
            "input_series", series.entrySet().stream()
                .map(e -> Map.of("series", e.getKey(), "values", e.getValue())).toList(),
            "alert_rule_test", List.of(Map.of(
                "eval_time", evalTime,
                "alertname", alert,
                "exp_alerts", expectedLabels.stream().map(labels -> Map.of("exp_labels", labels)).toList())))));
    Path testFile = dir.resolve("test.yml");
    Files.writeString(testFile, DeployManifests.SERIALIZATION.asYaml(test));
    Command run = Promtool.run("test", "rules", testFile.toString());
    assertThat(run.exitCode()).as("%s at %s with %s:%n%s", alert, evalTime, series, run.describe()).isZero();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> rulesWithoutAnnotations() {
    Map<String, Object> file = DeployManifests.parseMap(DeployManifests.read(
        DeployManifests.deployDir().resolve("components/prometheus/alerts.rules.yml")));
    for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
      ((List<Map<String, Object>>) group.get("rules")).forEach(rule -> rule.remove("annotations"));
    }
    return file;
  }
}
