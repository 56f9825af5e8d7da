package io.pgoperator.app.postgres.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.Clusters;
import io.pgoperator.app.postgres.children.CredentialsSecret;
import io.pgoperator.app.postgres.children.ChildNames;
import io.pgoperator.app.postgres.children.ClusterTls;
import io.pgoperator.app.postgres.children.InitialisedState;
import io.pgoperator.app.postgres.children.InternalCredentials;
import io.pgoperator.app.postgres.tls.ServerCertificate;
import io.pgoperator.runtime.testing.Await;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The instance script the operator renders, run by {@link LocalPods} with real PostgreSQL binaries:
 * instance 0 initialises a database with checksums and least-privilege roles, the others clone it
 * and stream, and a clone interrupted half-way is repeated rather than trusted.
 */
class InstanceLifecycleIT {

  private static final Duration START = Duration.ofMinutes(2);

  private LocalPods pods;

  /** On failure, what the pods logged: the instance script's and PostgreSQL's own lines. */
  @RegisterExtension
  final AfterTestExecutionCallback printLogs = context -> {
    if (context.getExecutionException().isPresent() && pods != null) {
      System.out.println(pods.logTails());
    }
  };

  @AfterEach
  void stopPods() {
    if (pods != null) {
      pods.close();
    }
  }

  static Stream<String> versions() {
    return PostgresBinaries.versions().stream();
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource("versions")
  void instanceZeroInitialisesTheOthersCloneAndStream(String version) {
    PostgresBinaries binaries = PostgresBinaries.of(version);
    pods = new LocalPods(Clusters.full("orders"), binaries);
    pods.start(0);
    Psql app = awaitApplication(binaries, 0);

    app.value("CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1), (2)");
    assertThat(app.value("SHOW data_checksums")).isEqualTo("on");

    pods.start(1);
    pods.start(2);
    Psql superuser = pods.superuser(0);
    Await.until("both standbys stream from the primary, named by their pods", START,
        () -> "orders-1|streaming\norders-2|streaming".equals(superuser.run(
            "SELECT application_name, state FROM pg_stat_replication ORDER BY 1").output().strip()));
    for (int standby : List.of(1, 2)) {
      Psql reader = app(binaries, standby);
      Await.until("orders-" + standby + " has the rows", START, () -> "2".equals(reader.run("SELECT count(*) FROM items").output().strip()));
      assertThat(reader.run("INSERT INTO items VALUES (3)").output()).contains("read-only transaction");
      assertThat(reader.value("SHOW data_checksums")).isEqualTo("on");
    }
  }

  @Test
  void theApplicationOwnerIsNoSuperuserAndTheSuperuserIsLocalOnly() {
    PostgresBinaries binaries = PostgresBinaries.newest();
    pods = new LocalPods(Clusters.minimal("demo"), binaries);
    pods.start(0);
    Psql app = awaitApplication(binaries, 0);

    assertThat(app.value("SELECT rolsuper OR rolcreaterole OR rolreplication FROM pg_roles WHERE rolname = current_user"))
        .isEqualTo("f");
    assertThat(app.value("SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"))
        .isEqualTo("demo");
    app.value("CREATE TABLE notes (body text)");
    Psql.Result shell = app.run("COPY notes FROM PROGRAM 'id'");
    assertThat(shell.succeeded()).isFalse();
    assertThat(shell.output()).contains("permission denied");
    assertThat(app.run("SELECT pg_read_file('/proc/self/environ')").output()).contains("permission denied");
    pods.superuser(0).value("CREATE TABLE public.audit (entry text); INSERT INTO public.audit VALUES ('kept from the app')");
    Psql appInPostgres = new Psql(binaries, pods.port(0), app.user(), app.password(), "postgres");
    assertThat(appInPostgres.run("SELECT entry FROM public.audit").output()).as("another role's table")
        .contains("permission denied");
    assertThat(app.run("SELECT rolpassword FROM pg_authid").output()).as("password hashes")
        .contains("permission denied");

    Psql superuserOverNetwork = new Psql(binaries, pods.port(0), "postgres", "", "postgres");
    assertThat(superuserOverNetwork.run("SELECT 1").output()).contains("pg_hba.conf rejects connection");
    Psql replicatorAsUser = new Psql(binaries, pods.port(0), "replicator",
        CredentialsSecret.value(pods.internalSecret(), InternalCredentials.REPLICATION_PASSWORD), "demo");
    assertThat(replicatorAsUser.run("SELECT 1").succeeded()).as("the replication role queries nothing").isFalse();
  }

  @Test
  void aCloneInterruptedHalfWayIsRepeatedNotTrusted() throws Exception {
    PostgresBinaries binaries = PostgresBinaries.newest();
    pods = new LocalPods(Clusters.full("orders"), binaries);
    pods.start(0);
    Psql app = awaitApplication(binaries, 0);
    app.value("CREATE TABLE items (id int); INSERT INTO items VALUES (42)");

    Path volume = pods.dataVolume(1);
    try (SlowLink slow = new SlowLink(pods.port(0), 2 * 1024 * 1024)) {
      pods.routeReadWriteServiceTo(slow.port());
      pods.start(1);
      // pg_basebackup writes PG_VERSION among the first files and global/pg_control last.
      Await.until("the clone has begun", START, () -> Files.exists(volume.resolve("pgdata.clone/PG_VERSION")));
      pods.kill(1);
    }
    assertThat(volume.resolve("pgdata.clone/global/pg_control")).as("the copy was interrupted").doesNotExist();
    assertThat(volume.resolve("pgdata")).as("an incomplete copy is never put in place").doesNotExist();

    pods.routeReadWriteServiceTo(null);
    pods.start(1);
    Psql superuser = pods.superuser(0);
    Await.until("orders-1 streams after a fresh clone", START,
        () -> "orders-1|streaming".equals(superuser.run(
            "SELECT application_name, state FROM pg_stat_replication").output().strip()));
    assertThat(app(binaries, 1).value("SELECT id FROM items")).isEqualTo("42");
    assertThat(volume.resolve("pgdata.clone")).doesNotExist();
    assertThat(Files.readString(pods.log(1))).contains("cloning the primary", "cloned; starting as a hot standby");
  }

  @Test
  void loweringMaxConnectionsRollsOutStandbysFirstWithoutDeadlock() throws Exception {
    PostgresBinaries binaries = PostgresBinaries.newest();
    PostgresCluster cluster = Clusters.full("orders"); // max_connections 200
    pods = new LocalPods(cluster, binaries);
    pods.start(0);
    awaitApplication(binaries, 0);
    pods.start(1);
    Psql superuser = pods.superuser(0);
    awaitStreaming(superuser, "orders-1");

    PostgresCluster lowered = Clusters.full("orders");
    lowered.getSpec().setParameters(Map.of("max_connections", "50"));
    pods.render(lowered);
    // The StatefulSet rolls the highest ordinal first: the standby restarts before the primary.
    pods.stop(1);
    pods.start(1);
    awaitStreaming(superuser, "orders-1");
    Psql standby = pods.superuser(1);
    assertThat(standby.value("SHOW max_connections")).as("the primary's value, until it restarts").isEqualTo("200");

    pods.stop(0);
    pods.start(0);
    awaitApplication(binaries, 0);
    awaitStreaming(pods.superuser(0), "orders-1");
    assertThat(pods.superuser(0).value("SHOW max_connections")).isEqualTo("50");

    // Replaying the primary's parameter change lowers the floor: the next restart takes 50.
    Await.until("the standby replayed the primary's restart", START,
        () -> pods.superuser(0).run(
            "SELECT bool_and(replay_lsn = pg_current_wal_lsn()) FROM pg_stat_replication").output().strip().equals("t"));
    pods.stop(1);
    pods.start(1);
    awaitStreaming(pods.superuser(0), "orders-1");
    assertThat(pods.superuser(1).value("SHOW max_connections")).isEqualTo("50");
    assertThat(Files.readString(pods.log(1))).contains("max_connections 50 is below the primary's 200");
  }

  @Test
  void aStandbyIsReadyOnlyWhileItStreamsAndCatchesUpThroughItsSlotAfterBeingAway() throws Exception {
    PostgresBinaries binaries = PostgresBinaries.newest();
    PostgresCluster cluster = Clusters.full("orders");
    // Little WAL kept without a slot, so only the slot can bring the standby back.
    cluster.getSpec().setParameters(Map.of("wal_keep_size", "16MB", "max_wal_size", "64MB"));
    pods = new LocalPods(cluster, binaries);
    pods.start(0);
    Psql app = awaitApplication(binaries, 0);
    pods.start(1);
    awaitStreaming(pods.superuser(0), "orders-1");
    Await.until("orders-1 is ready", START, () -> pods.readiness(1).passed());
    assertThat(pods.readiness(0).passed()).as("the primary is ready").isTrue();
    assertThat(pods.superuser(0).value("SELECT slot_name || ' ' || active FROM pg_replication_slots"))
        .isEqualTo("orders_1 true");
    long fifthOfVolume = Files.getFileStore(pods.dataVolume(0)).getTotalSpace() / 5 / (1024 * 1024);
    assertThat(pods.superuser(0).value("SHOW max_slot_wal_keep_size"))
        .as("slots hold back at most a fifth of the volume").isEqualTo(Math.max(64, fifthOfVolume) + "MB");

    pods.stop(1);
    app.value("CREATE TABLE filler AS SELECT g, repeat('x', 500) AS pad FROM generate_series(1, 200000) AS g");
    pods.superuser(0).value("CHECKPOINT");
    assertThat(Long.parseLong(pods.superuser(0).value(
        "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) FROM pg_replication_slots")))
        .as("the slot holds back more WAL than wal_keep_size would keep").isGreaterThan(16L * 1024 * 1024);

    pods.start(1);
    Await.until("orders-1 caught up through its slot and is ready", START, () -> pods.readiness(1).passed());
    // Ready allows maxStandbyLag (16Mi) of WAL still to replay: the last rows follow shortly.
    Psql standbyReader = app(binaries, 1);
    Await.until("orders-1 has every row the primary wrote while it was away", START,
        () -> "200000".equals(standbyReader.run("SELECT count(*) FROM filler").output().strip()));

    // Streaming, but replaying too far behind: not Ready, and the probe says by how much.
    pods.superuser(1).value("SELECT pg_wal_replay_pause()");
    app.value("CREATE TABLE more AS SELECT g, repeat('y', 500) AS pad FROM generate_series(1, 60000) AS g");
    Await.until("orders-1 is not ready while its replay lags", START, () -> !pods.readiness(1).passed());
    assertThat(pods.readiness(1).output()).matches("standby not ready: replay is \\d+ bytes behind the primary,"
        + " more than 16777216");
    pods.superuser(1).value("SELECT pg_wal_replay_resume()");
    Await.until("orders-1 is ready again once it has replayed", START, () -> pods.readiness(1).passed());

    pods.stop(0);
    Await.until("orders-1 is not ready without its primary", START, () -> !pods.readiness(1).passed());
    assertThat(pods.readiness(1).output()).startsWith("standby not ready: cannot reach the primary");
    assertThat(pods.liveness(1).passed()).as("alive all the same: nothing to restart").isTrue();
  }

  @Test
  void instanceZeroRefusesToReplaceAnInitialisedClusterWithAnEmptyDatabase() throws Exception {
    PostgresBinaries binaries = PostgresBinaries.newest();
    PostgresCluster cluster = Clusters.full("orders");
    pods = new LocalPods(cluster, binaries);
    pods.start(0);
    Psql app = awaitApplication(binaries, 0);
    app.value("CREATE TABLE items (id int); INSERT INTO items VALUES (1), (2), (3)");
    pods.start(1);
    awaitStreaming(pods.superuser(0), "orders-1");
    Await.until("orders-1 has the rows", START, () -> "3".equals(app(binaries, 1).run("SELECT count(*) FROM items")
        .output().strip()));
    // What the operator writes once an instance was Ready (DesiredChildren.initialised).
    pods.apply(InitialisedState.build(cluster, ChildNames.initialPrimary(cluster.getMetadata().getName()), 1, true));

    pods.kill(0);
    pods.wipeDataVolume(0);
    Process restarted = pods.start(0);

    assertThat(restarted.waitFor(START.toSeconds(), TimeUnit.SECONDS)).as("instance 0 gives up").isTrue();
    assertThat(restarted.exitValue()).isEqualTo(1);
    assertThat(Files.readString(pods.log(0))).contains("holds no database, but this cluster was initialised before",
        "Refusing to create a new, empty database");
    assertThat(pods.dataVolume(0).resolve("pgdata")).doesNotExist();
    assertThat(pods.readiness(0).passed()).as("nothing serves as the primary").isFalse();
    assertThat(app(binaries, 1).value("SELECT count(*) FROM items")).as("the standby keeps the data").isEqualTo("3");
  }

  @Test
  void aStandbyOfAnotherDatabaseSystemIsNotReadyAndSaysWhy() {
    PostgresBinaries binaries = PostgresBinaries.newest();
    pods = new LocalPods(Clusters.full("orders"), binaries);
    pods.start(0);
    Psql app = awaitApplication(binaries, 0);
    pods.start(1);
    awaitStreaming(pods.superuser(0), "orders-1");
    Await.until("orders-1 is Ready", START, () -> pods.readiness(1).passed());
    String original = pods.superuser(1).value("SELECT system_identifier FROM pg_control_system()");

    // A cluster from before the initialised record (or a record lost with it): instance 0 is made anew.
    pods.kill(0);
    pods.wipeDataVolume(0);
    pods.start(0);
    awaitApplication(binaries, 0);
    String fresh = pods.superuser(0).value("SELECT system_identifier FROM pg_control_system()");
    assertThat(fresh).isNotEqualTo(original);

    LocalPods.ProbeResult probe = Await.value("orders-1 is not Ready", () -> pods.readiness(1), p -> !p.passed());
    assertThat(probe.output()).contains("it holds a copy of database system " + original,
        "the primary is " + fresh, "cannot stream from it");
    assertThat(app.run("SELECT 1").succeeded()).isTrue();
  }

  @Test
  void aSettingThatNeedsNoRestartIsAppliedByAReload() {
    PostgresBinaries binaries = PostgresBinaries.newest();
    pods = new LocalPods(Clusters.minimal("demo"), binaries);
    pods.start(0);
    awaitApplication(binaries, 0);
    String startedAt = pods.superuser(0).value("SELECT pg_postmaster_start_time()");
    assertThat(pods.superuser(0).value("SHOW work_mem")).isEqualTo("4MB");

    PostgresCluster tuned = Clusters.minimal("demo");
    tuned.getSpec().setParameters(Map.of("work_mem", "16MB"));
    pods.render(tuned);
    pods.refreshVolumes(0);
    assertThat(pods.liveness(0).passed()).isTrue();

    Await.until("work_mem is 16MB after the probe's reload", START,
        () -> "16MB".equals(pods.superuser(0).run("SHOW work_mem").output().strip()));
    assertThat(pods.superuser(0).value("SELECT pg_postmaster_start_time()")).as("no restart").isEqualTo(startedAt);
  }

  @Test
  void clientsAndStandbysSpeakTlsOnlyAndVerifyTheServer() throws Exception {
    PostgresBinaries binaries = PostgresBinaries.newest();
    pods = new LocalPods(Clusters.full("orders"), binaries);
    pods.start(0);
    Psql app = awaitApplication(binaries, 0);
    Path ca = Files.writeString(Files.createTempFile("ca-", ".crt"), CredentialsSecret.value(pods.secret(), CredentialsSecret.CA_CERT));
    try {
      Psql.Result plaintext = app.run("SELECT 1", List.of("sslmode=disable"));
      assertThat(plaintext.succeeded()).isFalse();
      assertThat(plaintext.output()).contains("pg_hba.conf rejects connection", "no encryption");
      for (String host : List.of("127.0.0.1", "localhost")) {
        Psql verified = new Psql(binaries, host, pods.port(0), app.user(), app.password(), app.database());
        assertThat(verified.run("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            List.of("sslmode=verify-full", "sslrootcert=" + ca)).value()).as("verify-full to " + host).isEqualTo("t");
      }
      Path otherCa = Files.writeString(Files.createTempFile("other-ca-", ".crt"),
          ClusterTls.newAuthority(Clusters.full("orders"), Instant.now()).certificatePem());
      Psql.Result impostor = app.run("SELECT 1", List.of("sslmode=verify-full", "sslrootcert=" + otherCa));
      assertThat(impostor.succeeded()).as("a server certificate from another CA is refused").isFalse();
      assertThat(impostor.output()).contains("certificate verify failed");
      Files.delete(otherCa);

      pods.start(1);
      awaitStreaming(pods.superuser(0), "orders-1");
      assertThat(pods.superuser(0).value("SELECT ssl FROM pg_stat_ssl JOIN pg_stat_replication USING (pid)"))
          .as("the standby streams over TLS").isEqualTo("t");
      assertThat(pods.superuser(1).value("SHOW primary_conninfo")).contains("sslmode=verify-full")
          .doesNotContain(CredentialsSecret.value(pods.internalSecret(), InternalCredentials.REPLICATION_PASSWORD));
    } finally {
      Files.delete(ca);
    }
  }

  @Test
  void aRenewedCertificateIsServedAfterAReloadWithoutARestart() {
    PostgresBinaries binaries = PostgresBinaries.newest();
    PostgresCluster cluster = Clusters.minimal("demo");
    pods = new LocalPods(cluster, binaries);
    pods.start(0);
    awaitApplication(binaries, 0);
    String startedAt = pods.superuser(0).value("SELECT pg_postmaster_start_time()");
    BigInteger first = ServedCertificate.of(pods.port(0)).getSerialNumber();

    ServerCertificate renewed = ClusterTls.issue(cluster, pods.authority(), Instant.now());
    pods.put(ClusterTls.serverSecret(cluster, pods.authority(), renewed));
    pods.refreshVolumes(0);
    assertThat(pods.liveness(0).passed()).isTrue();

    Await.until("the renewed certificate is served", START,
        () -> ServedCertificate.of(pods.port(0)).getSerialNumber().equals(renewed.certificate().getSerialNumber()));
    assertThat(renewed.certificate().getSerialNumber()).isNotEqualTo(first);
    assertThat(pods.superuser(0).value("SELECT pg_postmaster_start_time()")).as("no restart").isEqualTo(startedAt);
  }

  @Test
  void theOperatorRoleMonitorsAndManagesSlotsButReadsNoApplicationData() {
    PostgresBinaries binaries = PostgresBinaries.newest();
    pods = new LocalPods(Clusters.minimal("demo"), binaries);
    pods.start(0);
    Psql app = awaitApplication(binaries, 0);
    app.value("CREATE TABLE secrets (body text); INSERT INTO secrets VALUES ('s3cret')");
    String password = CredentialsSecret.value(pods.internalSecret(), InternalCredentials.OPERATOR_PASSWORD);
    Psql operator = new Psql(binaries, pods.port(0), ChildNames.OPERATOR_USER, password, "postgres");
    // The startup and liveness probes make the role; the kubelet runs them every few seconds.
    Await.until("the operator's role can log in", START, () -> pods.liveness(0).passed() && operator.run("SELECT 1").succeeded());

    assertThat(operator.value("SELECT pg_has_role(current_user, 'pg_monitor', 'USAGE')")).isEqualTo("t");
    assertThat(operator.value("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).isEqualTo("f");
    operator.value("SELECT pg_create_physical_replication_slot('scratch')");
    operator.value("SELECT pg_drop_replication_slot('scratch')");
    Psql intoApplication = new Psql(binaries, pods.port(0), ChildNames.OPERATOR_USER, password, "demo");
    assertThat(intoApplication.run("SELECT body FROM secrets").output()).contains("pg_hba.conf rejects connection");
    assertThat(operator.run("COPY (SELECT 1) TO PROGRAM 'id'").output()).contains("permission denied");
  }

  private static void awaitStreaming(Psql primarySuperuser, String standby) {
    Await.until(standby + " streams from the primary", START, () -> primarySuperuser.run(
        "SELECT state FROM pg_stat_replication WHERE application_name = '" + standby + "'").output().strip()
        .equals("streaming"));
  }

  private Psql app(PostgresBinaries binaries, int ordinal) {
    return new Psql(binaries, pods.port(ordinal),
        CredentialsSecret.value(pods.secret(), CredentialsSecret.USERNAME),
        CredentialsSecret.value(pods.secret(), CredentialsSecret.PASSWORD),
        CredentialsSecret.value(pods.secret(), CredentialsSecret.DATABASE));
  }

  private Psql awaitApplication(PostgresBinaries binaries, int ordinal) {
    Psql app = app(binaries, ordinal);
    Await.until(pods.podName(ordinal) + " accepts the application's login (log: " + pods.log(ordinal) + ")", START,
        () -> app.run("SELECT 1").succeeded());
    return app;
  }
}
