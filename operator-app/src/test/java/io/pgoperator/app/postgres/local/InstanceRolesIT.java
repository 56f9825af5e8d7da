package io.pgoperator.app.postgres.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.Clusters;
import io.pgoperator.app.postgres.children.ChildNames;
import io.pgoperator.app.postgres.children.CredentialsSecret;
import io.pgoperator.app.postgres.children.InitialisedState;
import io.pgoperator.app.postgres.children.InternalCredentials;
import io.pgoperator.runtime.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Failover and switchover on the instance side, with real PostgreSQL: the instance script takes
 * its role from the primary the operator recorded in the state ConfigMap (not from its ordinal),
 * an old primary coming back rejoins as a standby of the promoted one (rewound, or set aside and
 * cloned) and never takes writes, and a primary replaced at a higher epoch fences itself. The
 * tests play the operator's part by hand, in the order it follows: record the new primary and
 * epoch, point the read-write Service at it, then {@code pg_promote()} as the operator's role.
 */
class InstanceRolesIT {

  private static final Duration START = Duration.ofMinutes(2);
  /** A returning old primary waits for the promoted primary, then rewinds or clones. */
  private static final Duration REJOIN = Duration.ofMinutes(4);

  private LocalPods pods;
  private PostgresBinaries binaries;

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
  void anOldPrimaryComesBackAsAStandbyOfThePromotedOneOnItsTimeline(String version) throws IOException {
    Psql app = primaryAndStandby(PostgresBinaries.of(version), Clusters.full("orders"));
    app.value("CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1)");
    Await.until("orders-1 has the committed row", START, () -> "1".equals(app(1).run("SELECT count(*) FROM items").output().strip()));

    pods.kill(0);
    failOverTo(1, 2);
    assertThat(pods.liveness(1).passed()).as("the promoted standby is live, not fenced by its stale mount").isTrue();
    app(1).value("INSERT INTO items VALUES (2)");

    pods.start(0);
    awaitStreaming(1, "orders-0");
    awaitHotStandby(0);
    assertThat(pods.superuser(1).value("SELECT timeline_id FROM pg_control_checkpoint()")).isEqualTo("2");
    assertThat(pods.superuser(0).value("SELECT received_tli FROM pg_stat_wal_receiver"))
        .as("streams on the promoted standby's new timeline").isEqualTo("2");
    Await.until("orders-0 has the row written on orders-1 after the promotion", START,
        () -> "1,2".equals(app(0).run("SELECT string_agg(id::text, ',' ORDER BY id) FROM items").output().strip()));
    assertThat(app(0).run("INSERT INTO items VALUES (3)").output()).contains("read-only transaction");
    assertThat(Files.readString(pods.log(0))).contains("the recorded primary is orders-1 (epoch 2)",
        "this instance was a primary, but orders-1 is the primary at epoch 2: rejoining as its standby");
  }

  @Test
  void anInstanceWaitingForAPrimaryStopsWhenSignalledInsteadOfWaitingForTheKill() {
    binaries = PostgresBinaries.newest();
    pods = new LocalPods(Clusters.full("orders"), binaries);
    pods.start(1);
    Await.until("orders-1 waits for the primary", Duration.ofSeconds(30), () -> log(1).contains("waiting for the primary"));
    pods.terminate(1);
    assertThat(pods.isRunning(1)).isFalse();
    assertThat(log(1)).as("stopped by its trap, not killed after the stop's deadline")
        .contains("stopping: signalled while starting");
  }

  @Test
  void aSwitchoverNeedsNoRewindAndTheOldPrimaryDropsTheSlotsItKept() throws IOException {
    Psql app = primaryAndStandby(PostgresBinaries.newest(), Clusters.full("orders"));
    app.value("CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1)");
    assertThat(pods.superuser(0).value("SELECT slot_name FROM pg_replication_slots")).isEqualTo("orders_1");

    // Switchover: the state first, then the old primary's pod deleted (preStop: a fast shutdown,
    // which sends the standby all WAL), then the target promoted.
    recordPrimary(1, 2);
    pods.stop(0);
    pods.routeReadWriteServiceTo(pods.port(1));
    promote(1);
    app(1).value("INSERT INTO items VALUES (2)");

    pods.start(0);
    awaitStreaming(1, "orders-0");
    Await.until("orders-0 has orders-1's rows", START,
        () -> "1,2".equals(app(0).run("SELECT string_agg(id::text, ',' ORDER BY id) FROM items").output().strip()));
    assertThat(pods.superuser(0).value("SELECT count(*) FROM pg_replication_slots")).as("its old slots are gone").isEqualTo("0");
    assertThat(log(0)).contains("no rewind required: all the WAL it wrote is part of orders-1's history; nothing was discarded",
        "dropping the replication slots it kept as the primary: orders_1").doesNotContain("rewound:");
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource("versions")
  void aDivergedOldPrimaryIsRewoundAndLosesWhatTheNewPrimaryNeverReceived(String version) throws IOException {
    Psql app = primaryAndStandby(PostgresBinaries.of(version), Clusters.full("orders"));
    app.value("CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1)");
    Await.until("orders-1 has the committed row", START, () -> "1".equals(app(1).run("SELECT count(*) FROM items").output().strip()));

    pods.stop(1);
    app.value("INSERT INTO items VALUES (99)");
    pods.kill(0);
    recordPrimary(1, 2);
    pods.routeReadWriteServiceTo(pods.port(1));
    pods.start(1);
    Await.until("orders-1, the recorded primary, starts as it is: a standby", START,
        () -> "t".equals(pods.superuser(1).run("SELECT pg_is_in_recovery()").output().strip()));
    promote(1);
    app(1).value("INSERT INTO items VALUES (2)");

    pods.start(0);
    awaitStreaming(1, "orders-0");
    Await.until("orders-0 has orders-1's rows", START,
        () -> "1,2".equals(app(0).run("SELECT string_agg(id::text, ',' ORDER BY id) FROM items").output().strip()));
    assertThat(app(0).value("SELECT count(*) FROM items WHERE id = 99")).as("the diverged row is gone").isEqualTo("0");
    assertThat(pods.superuser(0).value("SELECT count(*) FROM pg_replication_slots"))
        .as("the slots it kept as the primary are dropped").isEqualTo("0");
    assertThat(Files.readString(pods.log(0))).contains("servers diverged at WAL location",
        "rewound: WAL it wrote after the servers diverged (see above) was discarded").doesNotContain("no rewind required");
    assertThat(pods.dataVolume(0).resolve("pgdata.diverged")).as("nothing set aside").doesNotExist();
  }

  @Test
  void anOldPrimaryThatCannotBeRewoundIsSetAsideOnceAndClonedAfresh() throws IOException {
    PostgresCluster cluster = Clusters.full("orders");
    // Little WAL kept, so the old primary's WAL back to where the servers diverged can be recycled.
    cluster.getSpec().setParameters(Map.of("wal_keep_size", "0", "min_wal_size", "32MB", "max_wal_size", "64MB"));
    Psql app = primaryAndStandby(PostgresBinaries.newest(), cluster);
    app.value("CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1)");
    Await.until("orders-1 has the committed row", START, () -> "1".equals(app(1).run("SELECT count(*) FROM items").output().strip()));

    // The old primary runs on alone long enough to recycle its WAL from before the divergence
    // (its standby's slot lost, as max_slot_wal_keep_size would invalidate it).
    pods.stop(1);
    String divergedAt = pods.superuser(0).value("SELECT pg_walfile_name(pg_current_wal_lsn())");
    pods.superuser(0).value("SELECT pg_drop_replication_slot('orders_1')");
    app.value("INSERT INTO items VALUES (99)");
    for (int round = 0; round < 4; round++) {
      app.value("INSERT INTO items SELECT g FROM generate_series(" + (1000 + round * 1000) + ", " + (1999 + round * 1000) + ") g");
      pods.superuser(0).value("SELECT pg_switch_wal()");
      pods.superuser(0).value("CHECKPOINT");
    }
    assertThat(pods.dataVolume(0).resolve("pgdata/pg_wal/" + divergedAt)).as("the WAL a rewind would read is recycled")
        .doesNotExist();
    pods.kill(0);

    recordPrimary(1, 2);
    pods.routeReadWriteServiceTo(pods.port(1));
    pods.start(1);
    Await.until("orders-1 accepts connections", START, () -> pods.superuser(1).run("SELECT 1").succeeded());
    promote(1);
    app(1).value("INSERT INTO items VALUES (2)");

    pods.start(0);
    awaitStreaming(1, "orders-0");
    Await.until("orders-0 has orders-1's rows", START,
        () -> "1,2".equals(app(0).run("SELECT string_agg(id::text, ',' ORDER BY id) FROM items").output().strip()));
    String log = Files.readString(pods.log(0));
    assertThat(log).contains("pg_rewind failed: the data directory is set aside in " + pods.dataVolume(0).resolve("pgdata.diverged"),
        "cloning the primary into");
    assertThat(pods.dataVolume(0).resolve("pgdata.diverged/global/pg_control")).as("the diverged copy is kept").exists();
    assertThat(pods.dataVolume(0).resolve("pgdata/standby.signal")).exists();
  }

  @Test
  void aReturningOldPrimaryNeverAcceptsWritesWhileItWaitsRejoinsAndAfter() {
    Psql app = primaryAndStandby(PostgresBinaries.newest(), Clusters.full("orders"));
    app.value("CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1)");
    awaitStreaming(0, "orders-1");

    pods.kill(0);
    // The operator recorded the new primary and pointed the Service at it, but has not promoted it yet.
    recordPrimary(1, 2);
    pods.routeReadWriteServiceTo(pods.port(1));
    pods.start(0);
    List<String> acceptedWrites = new ArrayList<>();
    Await.until("orders-0 waits for a promoted primary", START, () -> {
      tryWrite(0, acceptedWrites);
      return log(0).contains("waiting for the promoted primary");
    });
    assertThat(pods.isRunning(0)).as("still waiting, bounded").isTrue();

    promote(1);
    Await.until("orders-0 is a standby of orders-1", REJOIN, () -> {
      tryWrite(0, acceptedWrites);
      return "t".equals(pods.superuser(0).run("SELECT pg_is_in_recovery()").output().strip());
    });
    awaitStreaming(1, "orders-0");
    tryWrite(0, acceptedWrites);
    assertThat(acceptedWrites).as("writes orders-0 accepted").isEmpty();
    assertThat(app(0).run("INSERT INTO items VALUES (3)").output()).contains("read-only transaction");
  }

  @Test
  void aReplacedPrimaryFencesItselfButAPromotedStandbyWithAStaleMountDoesNot() {
    Psql app = primaryAndStandby(PostgresBinaries.newest(), Clusters.full("orders"));
    app.value("CREATE TABLE items (id int PRIMARY KEY)");
    awaitStreaming(0, "orders-1");
    assertThat(pods.liveness(0).passed()).isTrue();

    // orders-1 is promoted while its mount still names orders-0 at epoch 1.
    recordPrimary(1, 2);
    pods.routeReadWriteServiceTo(pods.port(1));
    promote(1);
    for (LocalPods.ProbeResult probe : List.of(pods.liveness(1), pods.readiness(1))) {
      assertThat(probe.passed()).as("the promoted standby is not fenced: " + probe.output()).isTrue();
      assertThat(probe.output()).doesNotContain("fenced");
    }

    // orders-0's kubelet refreshes its mount: another pod is the primary at a higher epoch.
    pods.refreshVolumes(0);
    LocalPods.ProbeResult fenced = pods.liveness(0);
    assertThat(fenced.passed()).isFalse();
    assertThat(fenced.output()).startsWith("fenced: orders-1 is the primary at epoch 2");
    Await.until("orders-0's server stops", START, () -> !pods.isRunning(0));
    assertThat(app.run("INSERT INTO items VALUES (1)").succeeded()).as("orders-0 takes no writes").isFalse();

    // orders-1's mount catches up: it names orders-1 itself, and it stays the primary.
    pods.refreshVolumes(1);
    assertThat(pods.liveness(1).passed()).isTrue();
    assertThat(pods.superuser(1).value("SELECT pg_is_in_recovery()")).isEqualTo("f");

    // The kubelet restarts the fenced container: it rejoins as a standby.
    pods.start(0);
    awaitStreaming(1, "orders-0");
    awaitHotStandby(0);
    assertThat(pods.liveness(0).passed()).as("a standby is not fenced").isTrue();
  }

  @Test
  void aStandbyKeepsTheEpochsItSawSoItsLaterPromotionOnAStaleMountIsNotFenced() {
    primaryAndStandby(PostgresBinaries.newest(), Clusters.full("orders"));
    pods.start(2);
    awaitStreaming(0, "orders-2");

    pods.kill(0);
    failOverTo(1, 2);
    // orders-2, still a standby, sees the failover in its refreshed mount.
    pods.refreshVolumes(2);
    assertThat(pods.liveness(2).passed()).isTrue();

    // Then orders-1 is lost too and orders-2 promoted at epoch 3, its mount naming orders-1 at 2.
    pods.kill(1);
    recordPrimary(2, 3);
    pods.routeReadWriteServiceTo(pods.port(2));
    promote(2);
    LocalPods.ProbeResult live = pods.liveness(2);
    assertThat(live.passed()).as("not fenced by the epoch it saw as a standby: " + live.output()).isTrue();
    assertThat(pods.superuser(2).value("SELECT pg_is_in_recovery()")).isEqualTo("f");
    assertThat(pods.isRunning(2)).isTrue();
  }

  @Test
  void withoutARecordedPrimaryInstanceZeroIsThePrimary() {
    binaries = PostgresBinaries.newest();
    PostgresCluster cluster = Clusters.full("orders");
    pods = new LocalPods(cluster, binaries);
    pods.start(0);
    Psql app = awaitApplication(0);
    app.value("CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1)");
    // What an earlier version of the operator records: initialised only.
    pods.apply(new ConfigMapBuilder(InitialisedState.build(cluster, "orders-0", 1, true))
        .withData(Map.of(InitialisedState.INITIALISED, "true")).build());
    pods.stop(0);
    pods.start(0);
    awaitApplication(0);
    assertThat(app.run("INSERT INTO items VALUES (2)").succeeded()).as("a primary again").isTrue();
    pods.start(1);
    awaitStreaming(0, "orders-1");
    assertThat(log(0)).contains("the recorded primary is orders-0 (epoch 0)").doesNotContain("rejoining");
    assertThat(log(1)).contains("the recorded primary is orders-0 (epoch 0)", "cloning the primary");
  }

  @Test
  void theRewindAndPromoteGrantsExistAfterInitialiseAndAfterTheProbeOnAnEarlierCluster() throws Exception {
    binaries = PostgresBinaries.newest();
    pods = new LocalPods(Clusters.minimal("demo"), binaries);
    pods.start(0);
    awaitApplication(0);
    Psql superuser = pods.superuser(0);
    String grants = """
        SELECT has_function_privilege('pgoperator', 'pg_catalog.pg_promote(boolean, integer)', 'EXECUTE'),
          has_function_privilege('replicator', 'pg_catalog.pg_ls_dir(text, boolean, boolean)', 'EXECUTE'),
          has_function_privilege('replicator', 'pg_catalog.pg_stat_file(text, boolean)', 'EXECUTE'),
          has_function_privilege('replicator', 'pg_catalog.pg_read_binary_file(text)', 'EXECUTE'),
          has_function_privilege('replicator', 'pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean)', 'EXECUTE'),
          has_function_privilege('demo', 'pg_catalog.pg_promote(boolean, integer)', 'EXECUTE'),
          has_function_privilege('demo', 'pg_catalog.pg_read_binary_file(text)', 'EXECUTE')""";
    assertThat(superuser.value(grants)).as("after initialise, to those roles only").isEqualTo("t|t|t|t|t|f|f");

    // A cluster of an earlier version: no grants, and the probe's marker of the role it made then.
    superuser.value("""
        REVOKE EXECUTE ON FUNCTION pg_catalog.pg_promote(boolean, integer) FROM pgoperator;
        REVOKE EXECUTE ON FUNCTION pg_catalog.pg_ls_dir(text, boolean, boolean), pg_catalog.pg_stat_file(text, boolean),
          pg_catalog.pg_read_binary_file(text), pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean) FROM replicator""");
    assertThat(superuser.value(grants)).isEqualTo("f|f|f|f|f|f|f");
    Path marker = pods.dataVolume(0).resolveSibling("run").resolve("applied-operator-role");
    Files.writeString(marker, earlierRoleMarker(
        CredentialsSecret.value(pods.internalSecret(), InternalCredentials.OPERATOR_PASSWORD)));
    LocalUser.current().own(marker.getParent());

    assertThat(pods.liveness(0).passed()).isTrue();
    assertThat(superuser.value(grants)).as("granted by the probe").isEqualTo("t|t|t|t|t|f|f");
    Psql operator = operator(0);
    assertThat(operator.run("SELECT 1").succeeded()).as("the role keeps its password").isTrue();
  }

  /** The key an earlier version's probe wrote once it had made the operator's role. */
  private static String earlierRoleMarker(String operatorPassword) throws Exception {
    Process cksum = new ProcessBuilder("bash", "-c", "printf '%s:%s' \"$1\" \"$2\" | cksum", "_",
        ChildNames.OPERATOR_USER, operatorPassword).start();
    String key = new String(cksum.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(cksum.waitFor()).isZero();
    return key + "\n";
  }

  /** Pod 0 initialised and the primary at epoch 1, pod 1 its streaming standby; the application on pod 0. */
  private Psql primaryAndStandby(PostgresBinaries version, PostgresCluster cluster) {
    binaries = version;
    pods = new LocalPods(cluster, binaries);
    pods.start(0);
    Psql app = awaitApplication(0);
    pods.apply(state(cluster.getMetadata().getName(), 0, 1));
    pods.refreshVolumes(0);
    pods.start(1);
    awaitStreaming(0, "orders-1");
    return app;
  }

  /** What the operator does on a failover, in its order: record, route, promote. */
  private void failOverTo(int ordinal, int epoch) {
    recordPrimary(ordinal, epoch);
    pods.routeReadWriteServiceTo(pods.port(ordinal));
    promote(ordinal);
  }

  private void recordPrimary(int ordinal, int epoch) {
    pods.apply(state("orders", ordinal, epoch));
  }

  private ConfigMap state(String cluster, int primary, int epoch) {
    return new ConfigMapBuilder()
        .withNewMetadata().withName(ChildNames.stateConfigMap(cluster)).withNamespace(Clusters.NAMESPACE).endMetadata()
        .withData(Map.of(InitialisedState.INITIALISED, "true", InitialisedState.PRIMARY, pods.podName(primary),
            InitialisedState.EPOCH, Integer.toString(epoch)))
        .build();
  }

  /** pg_promote() as the operator's role calls it, then the probe the kubelet runs every few seconds. */
  private void promote(int ordinal) {
    Await.until(pods.podName(ordinal) + " accepts the operator's login", START, () -> operator(ordinal).run("SELECT 1").succeeded());
    assertThat(operator(ordinal).value("SELECT pg_promote()")).isEqualTo("t");
    assertThat(pods.liveness(ordinal).passed()).isTrue();
  }

  private void tryWrite(int ordinal, List<String> accepted) {
    Psql.Result write = app(ordinal).run("INSERT INTO items VALUES (1000000 + (random() * 1000)::int) RETURNING id");
    if (write.succeeded()) {
      accepted.add(write.output().strip());
    }
  }

  private String log(int ordinal) {
    try {
      return Files.readString(pods.log(ordinal));
    } catch (IOException e) {
      return "";
    }
  }

  private void awaitStreaming(int primary, String standby) {
    Psql superuser = pods.superuser(primary);
    Await.until(standby + " streams from " + pods.podName(primary), REJOIN, () -> superuser.run(
        "SELECT state FROM pg_stat_replication WHERE application_name = '" + standby + "'").output().strip()
        .equals("streaming"));
  }

  /**
   * A standby streams before it accepts connections: after a rewind it replays up to a consistent point
   * first ("not yet accepting connections"), so a read on it waits for that, and for recovery, with a deadline.
   */
  private void awaitHotStandby(int ordinal) {
    Psql superuser = pods.superuser(ordinal);
    Await.until(pods.podName(ordinal) + " accepts reads in recovery", REJOIN,
        () -> "t".equals(superuser.run("SELECT pg_is_in_recovery()").output().strip()));
  }

  private Psql operator(int ordinal) {
    return new Psql(binaries, pods.port(ordinal), ChildNames.OPERATOR_USER,
        CredentialsSecret.value(pods.internalSecret(), InternalCredentials.OPERATOR_PASSWORD), "postgres");
  }

  private Psql app(int ordinal) {
    return new Psql(binaries, pods.port(ordinal),
        CredentialsSecret.value(pods.secret(), CredentialsSecret.USERNAME),
        CredentialsSecret.value(pods.secret(), CredentialsSecret.PASSWORD),
        CredentialsSecret.value(pods.secret(), CredentialsSecret.DATABASE));
  }

  private Psql awaitApplication(int ordinal) {
    Psql app = app(ordinal);
    Await.until(pods.podName(ordinal) + " accepts the application's login (log: " + pods.log(ordinal) + ")", START,
        () -> app.run("SELECT 1").succeeded());
    return app;
  }
}
