package io.pgoperator.app.postgres.children;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.Clusters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresConfigTest {

  @Test
  void configMapIsNamedLabelledAndHoldsAllFiles() {
    ConfigMap cm = PostgresConfig.build(Clusters.full("orders"));
    assertThat(cm.getMetadata().getName()).isEqualTo("orders-config");
    assertThat(cm.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(cm.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/component", "config")
        .containsEntry("app.kubernetes.io/managed-by", "pg-operator");
    assertThat(cm.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(ref -> assertThat(ref.getController()).isTrue());
    assertThat(cm.getData()).containsOnlyKeys("postgresql.conf", "pg_hba.conf", "instance.sh", "probe.sh");
  }

  @Test
  void userParametersOverrideDefaults() {
    List<String> lines = settings(Map.of("max_connections", "200", "work_mem", "8MB"));
    assertThat(lines).contains("max_connections = '200'", "work_mem = '8MB'",
        "shared_buffers = '128MB'", "hot_standby_feedback = 'on'")
        .doesNotContain("max_connections = '100'");
  }

  @Test
  void operatorOwnedSettingsAlwaysWin() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("port", "6543");
    params.put("wal_level", "minimal");
    params.put("Listen_Addresses", "localhost");
    List<String> lines = settings(params);
    assertThat(lines).contains("wal_level = 'replica'", "listen_addresses = '*'",
        "hot_standby = 'on'", "password_encryption = 'scram-sha-256'")
        .doesNotContain("wal_level = 'minimal'")
        .noneMatch(l -> l.startsWith("port"))
        .noneMatch(l -> l.startsWith("hba_file"))
        .noneMatch(l -> l.toLowerCase().contains("localhost"));
  }

  @Test
  void valuesAreQuotedSoTheyCannotBreakOutOfTheirLine() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("search_path", "\"$user\", public");
    params.put("log_line_prefix", "it's %m \\ ");
    params.put("application_name", "x\nport = 1");
    List<String> lines = settings(params);
    assertThat(lines).contains("search_path = '\"$user\", public'",
        "log_line_prefix = 'it''s %m \\\\ '")
        .noneMatch(l -> l.startsWith("application_name"))
        .noneMatch(l -> l.startsWith("port"));
  }

  @Test
  void hbaAdmitsTlsOnlyTheSuperuserLocallyTheReplicationRoleForReplicationAndRewindAndTheOperatorToPostgres() {
    assertThat(rules(PostgresConfig.pgHbaConf("orders_app"))).containsExactly(
        "local all all trust",
        "hostnossl all all all reject",
        "host all postgres all reject",
        "hostssl replication replicator all scram-sha-256",
        "host replication all all reject",
        "hostssl postgres replicator all scram-sha-256",
        "host all replicator all reject",
        "hostssl postgres pgoperator all scram-sha-256",
        "host all pgoperator all reject",
        "hostssl all all all scram-sha-256");
  }

  @Test
  void aClusterWhoseOwnerIsTheSuperuserFromBeforeTheInstanceScriptKeepsItsNetworkLoginOverTls() {
    assertThat(rules(PostgresConfig.pgHbaConf("postgres")))
        .doesNotContain("host all postgres all reject")
        .contains("hostnossl all all all reject", "hostssl all all all scram-sha-256");
  }

  private static List<String> rules(String hba) {
    return hba.lines().filter(l -> !l.startsWith("#")).map(l -> String.join(" ", l.split("\\s+"))).toList();
  }

  @Test
  void theInstanceScriptBuildsDataDirectoriesBesidePgdataAndRenamesThemWhenComplete() {
    String script = PostgresConfig.build(Clusters.full("orders")).getData().get("instance.sh");
    assertThat(script)
        .contains("echo \"${pod:-${POD_NAME%-*}-0}\"", "\"$1/global/pg_control\"",
            "--data-checksums", "pg_basebackup --pgdata=\"$work\" --write-recovery-conf",
            "application_name=$POD_NAME", "mv \"$work\" \"$PGDATA\"",
            "CREATE ROLE :\"app\" WITH LOGIN PASSWORD :'app_password';",
            "exec postgres -D \"$PGDATA\" -p \"$PGPORT\"")
        .doesNotContain("PG_VERSION")
        .doesNotContainPattern("(?<!NO)SUPERUSER");
  }

  @Test
  void anOldPrimaryRejoinsThroughPgRewindAndNoInstanceRemovesStandbySignalItself() {
    Map<String, String> data = PostgresConfig.build(Clusters.full("orders")).getData();
    assertThat(data.get("instance.sh"))
        .contains("pg_rewind --target-pgdata=\"$PGDATA\" --source-server=\"$primary dbname=postgres\" --write-recovery-conf",
            "mv \"$PGDATA\" \"$PGDATA.diverged\"", "[ \"$primary_pod\" != \"$POD_NAME\" ] && [ ! -f \"$PGDATA/standby.signal\" ]",
            "GRANT EXECUTE ON FUNCTION pg_catalog.pg_promote(boolean, integer) TO :\"op\";")
        .doesNotContainPattern("rm [^\n]*standby\\.signal");
    assertThat(data.get("probe.sh"))
        .contains("fenced: $state_primary is the primary at epoch $state_epoch",
            "pg_ctl stop --pgdata=\"$PGDATA\" --mode=fast", "roles-v2:",
            "pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean)")
        .doesNotContain("@ROLES_SQL@")
        .doesNotContainPattern("rm [^\n]*standby\\.signal");
  }

  @Test
  void hashIsStableAndChangesWhenParametersChange() {
    PostgresCluster a = Clusters.full("orders");
    PostgresCluster b = Clusters.full("orders");
    String hash = PostgresConfig.restartHash(PostgresConfig.build(a));
    assertThat(PostgresConfig.restartHash(PostgresConfig.build(b))).isEqualTo(hash)
        .hasSize(64);

    b.getSpec().setParameters(Map.of("max_connections", "300", "shared_buffers", "256MB"));
    assertThat(PostgresConfig.restartHash(PostgresConfig.build(b))).isNotEqualTo(hash);
  }

  @Test
  void settingsAReloadAppliesDoNotChangeTheHashThatRestartsTheInstances() {
    PostgresCluster cluster = Clusters.full("orders");
    String hash = PostgresConfig.restartHash(PostgresConfig.build(cluster));
    cluster.getSpec().setParameters(Map.of("max_connections", "200", "shared_buffers", "256MB",
        "work_mem", "64MB", "log_min_duration_statement", "250"));
    assertThat(PostgresConfig.restartHash(PostgresConfig.build(cluster))).isEqualTo(hash);
    assertThat(PostgresConfig.RESTART_PARAMETERS).contains("shared_buffers", "max_connections", "wal_level")
        .doesNotContain("work_mem", "log_min_duration_statement", "max_slot_wal_keep_size");
  }

  @Test
  void hashIgnoresParameterOrder() {
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("max_connections", "150");
    ab.put("shared_buffers", "512MB");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("shared_buffers", "512MB");
    ba.put("max_connections", "150");
    PostgresCluster x = Clusters.full("orders");
    x.getSpec().setParameters(ab);
    PostgresCluster y = Clusters.full("orders");
    y.getSpec().setParameters(ba);
    assertThat(PostgresConfig.restartHash(PostgresConfig.build(x)))
        .isEqualTo(PostgresConfig.restartHash(PostgresConfig.build(y)));
  }

  private static List<String> settings(Map<String, String> params) {
    return PostgresConfig.postgresqlConf(params).lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
  }
}
