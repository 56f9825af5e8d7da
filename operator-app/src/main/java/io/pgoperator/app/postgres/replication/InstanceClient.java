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
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The operator's connection to one instance of a cluster: as {@link ChildNames#OPERATOR_USER}
 * (pg_monitor, REPLICATION and EXECUTE on pg_promote, nothing else), to the database
 * {@code postgres}, over TLS with {@code verify-full} against the cluster's CA. One short-lived
 * connection per call: a reconcile asks rarely, and a pool per cluster would cost memory in every
 * replica. Instances are addressed by pod, never through a Service: the operator must know
 * which instance answered.
 */
public final class InstanceClient {

  static final long TIMEOUT_SECONDS = 10;
  /** How long a promotion may take before pg_promote gives up (it keeps going on the server). */
  static final int PROMOTE_WAIT_SECONDS = 30;

  private final Vertx vertx;
  private final InstanceAddresses addresses;

  public InstanceClient(Vertx vertx, InstanceAddresses addresses) {
    this.vertx = vertx;
    this.addresses = addresses;
  }

  /** What the instance says of itself; fails when it cannot be reached. */
  public Future<InstanceState> state(PostgresCluster cluster, String pod, InstanceCredentials credentials) {
    return withConnection(cluster, pod, credentials, connection -> connection.query("SELECT"
            + " pg_is_in_recovery() AS standby,"
            + " (SELECT system_identifier::text FROM pg_control_system()) AS id,"
            + " CASE WHEN pg_is_in_recovery() THEN (SELECT timeline_id FROM pg_control_checkpoint())"
            + "   ELSE ('x' || substr(pg_walfile_name(pg_current_wal_flush_lsn()), 1, 8))::bit(32)::int END AS timeline,"
            + " pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery()"
            + "   THEN greatest(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())"
            + "   ELSE pg_current_wal_flush_lsn() END, '0/0')::bigint AS position")
        .execute()
        .map(rows -> {
          Row row = rows.iterator().next();
          Long position = row.getLong("position");
          return new InstanceState(row.getBoolean("standby"), row.getString("id"), row.getInteger("timeline"),
              position == null ? 0L : position);
        }));
  }

  /** Replication as the primary sees it; fails when it cannot be reached or is not a primary. */
  public Future<ReplicationReport> replication(PostgresCluster cluster, String primary, InstanceCredentials credentials) {
    return withConnection(cluster, primary, credentials, connection -> connection
        .query("SELECT pg_is_in_recovery() AS standby, system_identifier::text AS id,"
            + " ('x' || substr(pg_walfile_name(pg_current_wal_flush_lsn()), 1, 8))::bit(32)::int AS timeline,"
            + " pg_wal_lsn_diff(pg_current_wal_flush_lsn(), '0/0')::bigint AS position"
            + " FROM pg_control_system()")
        .execute()
        .compose(identity -> {
          Row row = identity.iterator().next();
          if (row.getBoolean("standby")) {
            return Future.failedFuture(new IllegalStateException(primary
                + " is in recovery: it is a standby, not the primary"));
          }
          String systemIdentifier = row.getString("id");
          int timeline = row.getInteger("timeline");
          long position = row.getLong("position");
          return connection.query("SELECT application_name, state,"
                  + " coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), -1)::bigint AS lag"
                  + " FROM pg_stat_replication ORDER BY application_name").execute()
              .compose(senders -> connection.query("SELECT slot_name::text AS name, active,"
                      + " coalesce(wal_status, '') AS wal_status FROM pg_replication_slots"
                      + " WHERE slot_type = 'physical' ORDER BY slot_name").execute()
                  .map(slots -> new ReplicationReport(systemIdentifier, timeline, position, standbys(senders),
                      slots(slots))));
        }));
  }

  /**
   * Promotes a standby and waits for it to accept writes: true when this call promoted it, false
   * when it was no longer in recovery (promoted before: the step is idempotent).
   */
  public Future<Boolean> promote(PostgresCluster cluster, String pod, InstanceCredentials credentials) {
    return withConnection(cluster, pod, credentials, connection -> connection
        .query("SELECT pg_is_in_recovery() AS standby").execute()
        .compose(rows -> !rows.iterator().next().getBoolean("standby")
            ? Future.succeededFuture(false)
            : connection.preparedQuery("SELECT pg_promote(true, $1) AS promoted")
                .execute(Tuple.of(PROMOTE_WAIT_SECONDS))
                .compose(promoted -> promoted.iterator().next().getBoolean("promoted")
                    ? Future.succeededFuture(true)
                    : Future.failedFuture(new IllegalStateException(pod + " did not finish its promotion within "
                        + PROMOTE_WAIT_SECONDS + "s")))),
        PROMOTE_WAIT_SECONDS + TIMEOUT_SECONDS);
  }

  /**
   * Makes the physical replication slots named on the primary that lacks them (a promoted
   * standby has none: slots are not replicated), reserving WAL from now on; returns those made.
   */
  public Future<List<String>> ensureSlots(PostgresCluster cluster, String primary, InstanceCredentials credentials,
      List<String> slots) {
    return withConnection(cluster, primary, credentials, connection -> {
      List<String> made = new ArrayList<>();
      Future<Void> done = Future.succeededFuture();
      for (String slot : slots) {
        done = done.compose(v -> connection.preparedQuery("SELECT pg_create_physical_replication_slot($1, true)"
                + " WHERE NOT pg_is_in_recovery()"
                + " AND NOT EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = $1)")
            .execute(Tuple.of(slot))
            .map(rows -> {
              if (rows.rowCount() > 0) {
                made.add(slot);
              }
              return null;
            }));
      }
      return done.map(v -> made);
    });
  }

  /** Drops an inactive physical slot; one in use (or already gone) is left as it is. */
  public Future<Boolean> dropInactiveSlot(PostgresCluster cluster, String primary, InstanceCredentials credentials,
      String slot) {
    return withConnection(cluster, primary, credentials, connection -> connection
        .preparedQuery("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
            + " WHERE slot_name = $1 AND NOT active")
        .execute(Tuple.of(slot))
        .map(rows -> rows.rowCount() > 0));
  }

  private <T> Future<T> withConnection(PostgresCluster cluster, String pod, InstanceCredentials credentials,
      Function<PgConnection, Future<T>> work) {
    return withConnection(cluster, pod, credentials, work, TIMEOUT_SECONDS);
  }

  private <T> Future<T> withConnection(PostgresCluster cluster, String pod, InstanceCredentials credentials,
      Function<PgConnection, Future<T>> work, long workTimeoutSeconds) {
    InstanceAddresses.Address address = addresses.instance(cluster, pod);
    PgConnectOptions options = new PgConnectOptions()
        .setHost(address.host())
        .setPort(address.port())
        .setDatabase("postgres")
        .setUser(ChildNames.OPERATOR_USER)
        .setPassword(credentials.password())
        .setSslMode(SslMode.VERIFY_FULL)
        .setSslOptions(new ClientSSLOptions()
            .setHostnameVerificationAlgorithm("HTTPS")
            .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(credentials.caCertificatePem()))));
    options.getProperties().put("application_name", "pg-operator");
    Future<PgConnection> connecting = PgConnection.connect(vertx, options);
    return connecting
        .timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .compose(connection -> work.apply(connection)
            .timeout(workTimeoutSeconds, TimeUnit.SECONDS)
            .eventually(() -> connection.close()))
        .onFailure(error -> connecting.onSuccess(late -> late.close()))
        .recover(error -> Future.failedFuture(new InstanceUnreachableException(pod + " (" + address + "): "
            + message(error), error)));
  }

  private static String message(Throwable error) {
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
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
