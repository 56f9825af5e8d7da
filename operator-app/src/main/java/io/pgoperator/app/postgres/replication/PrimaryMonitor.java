package io.pgoperator.app.postgres.replication;

import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.children.ChildNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The operator's connection to a cluster's primary: as {@link ChildNames#OPERATOR_USER} (pg_monitor
 * and REPLICATION, nothing else), to the database {@code postgres}, over TLS with
 * {@code verify-full} against the cluster's CA. One short-lived connection per call: a reconcile
 * asks rarely, and a pool per cluster would cost memory in every replica.
 */
public final class PrimaryMonitor {

  static final long TIMEOUT_SECONDS = 10;

  private final Vertx vertx;
  private final InstanceAddresses addresses;

  public PrimaryMonitor(Vertx vertx, InstanceAddresses addresses) {
    this.vertx = vertx;
    this.addresses = addresses;
  }

  /** Replication as the primary sees it; fails when it cannot be reached or is not a primary. */
  public Future<ReplicationReport> read(PostgresCluster cluster, String password, String caCertificatePem) {
    return withConnection(cluster, password, caCertificatePem, connection -> connection
        .query("SELECT pg_is_in_recovery() AS standby, system_identifier::text AS id FROM pg_control_system()")
        .execute()
        .compose(identity -> {
          Row row = identity.iterator().next();
          if (row.getBoolean("standby")) {
            return Future.failedFuture(new IllegalStateException(addresses.primary(cluster)
                + " is in recovery: it is a standby, not the primary"));
          }
          String systemIdentifier = row.getString("id");
          return connection.query("SELECT application_name, state,"
                  + " coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), -1)::bigint AS lag"
                  + " FROM pg_stat_replication ORDER BY application_name").execute()
              .compose(senders -> connection.query("SELECT slot_name::text AS name, active,"
                      + " coalesce(wal_status, '') AS wal_status FROM pg_replication_slots"
                      + " WHERE slot_type = 'physical' ORDER BY slot_name").execute()
                  .map(slots -> new ReplicationReport(systemIdentifier, standbys(senders), slots(slots))));
        }));
  }

  /** Drops an inactive physical slot; one in use (or already gone) is left as it is. */
  public Future<Boolean> dropInactiveSlot(PostgresCluster cluster, String password, String caCertificatePem,
      String slot) {
    return withConnection(cluster, password, caCertificatePem, connection -> connection
        .query("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
            + " WHERE slot_name = '" + slot.replace("'", "''") + "' AND NOT active")
        .execute()
        .map(rows -> rows.rowCount() > 0));
  }

  private <T> Future<T> withConnection(PostgresCluster cluster, String password, String caCertificatePem,
      Function<PgConnection, Future<T>> work) {
    InstanceAddresses.Address primary = addresses.primary(cluster);
    PgConnectOptions options = new PgConnectOptions()
        .setHost(primary.host())
        .setPort(primary.port())
        .setDatabase("postgres")
        .setUser(ChildNames.OPERATOR_USER)
        .setPassword(password)
        .setSslMode(SslMode.VERIFY_FULL)
        .setSslOptions(new ClientSSLOptions()
            .setHostnameVerificationAlgorithm("HTTPS")
            .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(caCertificatePem))));
    options.getProperties().put("application_name", "pg-operator");
    Future<PgConnection> connecting = PgConnection.connect(vertx, options);
    return connecting
        .timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .compose(connection -> work.apply(connection)
            .timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .eventually(() -> connection.close()))
        .onFailure(error -> connecting.onSuccess(late -> late.close()));
  }

  private static List<ReplicationReport.Standby> standbys(RowSet<Row> rows) {
    List<ReplicationReport.Standby> standbys = new ArrayList<>();
    rows.forEach(row -> standbys.add(new ReplicationReport.Standby(
        row.getString("application_name"), row.getString("state"), row.getLong("lag"))));
    return standbys;
  }

  private static List<ReplicationReport.Slot> slots(RowSet<Row> rows) {
    List<ReplicationReport.Slot> slots = new ArrayList<>();
    rows.forEach(row -> slots.add(new ReplicationReport.Slot(
        row.getString("name"), row.getBoolean("active"), row.getString("wal_status"))));
    return slots;
  }
}
