package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.api.v1alpha1.Conditions;
import io.pgoperator.api.v1alpha1.FailoverSpec;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterStatus;
import io.pgoperator.api.v1alpha1.PrimaryChange;
import io.pgoperator.app.postgres.children.ChildMeta;
import io.pgoperator.app.postgres.children.ChildNames;
import io.pgoperator.app.postgres.children.CredentialsSecret;
import io.pgoperator.app.postgres.local.InstanceKubelet;
import io.pgoperator.app.postgres.local.PostgresBinaries;
import io.pgoperator.app.postgres.local.Psql;
import io.pgoperator.app.postgres.primary.PrimaryRoles;
import io.pgoperator.app.postgres.primary.RollingUpdate;
import io.pgoperator.app.postgres.replication.InstanceAddresses;
import io.pgoperator.runtime.testing.Await;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Database failover end to end: the operator on a real API server, real PostgreSQL instances run
 * by {@link InstanceKubelet} (the StatefulSet controller, kubelet and kube-proxy of envtest's
 * missing nodes), clients writing through the {@code -rw} Service as applications do. Safety is
 * checked from outside: the rows the database holds, and a prober that writes through every
 * instance directly and records each that accepted a write.
 */
class DatabaseFailoverIT extends OperatorOnEnvtest {

  private static final Duration START = Duration.ofMinutes(3);
  private static final String NAME = "shop";

  private final AtomicReference<InstanceKubelet> kubelet = new AtomicReference<>();
  private final List<AutoCloseable> stopLast = new ArrayList<>();

  @RegisterExtension
  final AfterTestExecutionCallback printLogs = context -> {
    if (context.getExecutionException().isPresent() && kubelet.get() != null) {
      System.out.println(kubelet.get().pods().logTails());
    }
  };

  @AfterEach
  void stopPods() throws Exception {
    for (AutoCloseable closeable : stopLast) {
      closeable.close();
    }
    if (kubelet.get() != null) {
      kubelet.get().close();
    }
  }

  @Test
  void aLostPrimaryIsReplacedByAStandbyThatKeepsEveryRowAndReturnsAsItsStandby() throws Exception {
    InstanceKubelet pods = runningCluster();
    Psql app = application();
    app.value("CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders VALUES (1)");
    awaitEverywhere("the first row", "SELECT count(*) FROM orders", "1", 1, 2);
    OnePrimaryProbe probe = OnePrimaryProbe.start(pods, 3);
    stopLast.add(probe);

    pods.hold(0);
    PostgresCluster failedOver = op.await("a standby promoted", () -> op.cluster(NAME),
        c -> !"shop-0".equals(c.getStatus().getCurrentPrimary())
            && c.getStatus().getCurrentPrimary().equals(c.getStatus().getTargetPrimary()));
    PostgresClusterStatus status = failedOver.getStatus();
    String promoted = status.getCurrentPrimary();
    assertThat(promoted).isIn("shop-1", "shop-2");
    assertThat(status.getPrimaryEpoch()).isEqualTo(2L);
    assertThat(status.getLastPrimaryChange().getReason()).isEqualTo(PrimaryChange.FAILOVER);
    assertThat(status.getLastPrimaryChange().getFrom()).isEqualTo("shop-0");
    assertThat(status.getLastPrimaryChange().getCompletedAt()).isNotNull();
    assertThat(op.pod(promoted).getMetadata().getLabels()).containsEntry(ChildMeta.ROLE_LABEL, ChildMeta.ROLE_PRIMARY);
    assertThat(op.pod("shop-0").getMetadata().getLabels()).doesNotContainKey(ChildMeta.ROLE_LABEL);

    awaitWrite(app, "INSERT INTO orders VALUES (2)", "a write through -rw reaches the new primary");
    assertThat(app.value("SELECT string_agg(id::text, ',' ORDER BY id) FROM orders")).isEqualTo("1,2");
    assertThat(pods.pods().superuser(ordinal(promoted)).value("SELECT pg_is_in_recovery()")).isEqualTo("f");
    op.await("the new timeline in the status", () -> op.cluster(NAME), c -> Integer.valueOf(2).equals(c.getStatus().getTimeline()));
    op.await("a Promoted event", () -> op.events(NAME, "Normal", PrimaryRoles.REASON_PROMOTED), e -> !e.isEmpty());
    assertThat(op.events(NAME, "Normal", PrimaryRoles.REASON_FAILOVER)).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("shop-0", promoted, "epoch 2"));
    assertThat(op.metric("pg_operator_primary_changes_total", "reason=\"Failover\"")).isEqualTo(1.0);
    assertThat(op.metric("pg_operator_primary_unavailable_seconds_count", "reason=\"Failover\"")).isEqualTo(1.0);

    pods.release(0);
    Await.until("shop-0 back, in recovery", START,
        () -> "t".equals(pods.pods().superuser(0).run("SELECT pg_is_in_recovery()").output().strip()));
    awaitEverywhere("the row written after the failover", "SELECT count(*) FROM orders", "2", 0);
    op.await("shop-0 labelled a replica", () -> op.pod("shop-0"),
        p -> ChildMeta.ROLE_REPLICA.equals(p.getMetadata().getLabels().get(ChildMeta.ROLE_LABEL)));
    assertThat(pods.pods().superuser(0).value("SELECT received_tli FROM pg_stat_wal_receiver")).isEqualTo("2");

    probe.close();
    assertThat(probe.rounds()).as("the prober wrote through every instance throughout").isGreaterThan(10);
    assertThat(probe.overlaps()).as("rounds in which two instances accepted writes").isEmpty();
  }

  @Test
  void aSwitchoverLosesNoAcknowledgedRowAndTheOldPrimaryFollows() throws Exception {
    InstanceKubelet pods = runningCluster();
    Psql app = application();
    app.value("CREATE TABLE orders (id int PRIMARY KEY)");
    awaitEverywhere("the table", "SELECT count(*) FROM orders", "0", 1, 2);
    Writer writer = Writer.start(app);
    stopLast.add(writer);
    OnePrimaryProbe probe = OnePrimaryProbe.start(pods, 3);
    stopLast.add(probe);
    Await.until("rows acknowledged before the switchover", START, () -> writer.acknowledged().size() >= 20);

    op.editCluster(NAME, c -> {
          c.getMetadata().getAnnotations().put(PostgresCluster.TARGET_PRIMARY_ANNOTATION, "shop-2");
          return c;
        });
    PostgresCluster switched = op.await("shop-2 primary", () -> op.cluster(NAME),
        c -> "shop-2".equals(c.getStatus().getCurrentPrimary()) && "shop-2".equals(c.getStatus().getTargetPrimary()));
    assertThat(switched.getStatus().getLastPrimaryChange().getReason()).isEqualTo(PrimaryChange.SWITCHOVER);
    op.await("the request removed once done", () -> op.cluster(NAME),
        c -> c.getMetadata().getAnnotations() == null
            || !c.getMetadata().getAnnotations().containsKey(PostgresCluster.TARGET_PRIMARY_ANNOTATION));
    int before = writer.acknowledged().size();
    Await.until("writes acknowledged by the new primary", START, () -> writer.acknowledged().size() >= before + 20);
    writer.close();

    Set<Integer> stored = ids(app.value("SELECT string_agg(id::text, ',') FROM orders"));
    assertThat(stored).as("every acknowledged row is stored").containsAll(writer.acknowledged());
    Await.until("shop-0 follows shop-2", START,
        () -> "t".equals(pods.pods().superuser(0).run("SELECT pg_is_in_recovery()").output().strip()));
    awaitEverywhere("every row on every instance", "SELECT count(*) FROM orders", Integer.toString(stored.size()), 0, 1);
    probe.close();
    assertThat(probe.overlaps()).as("rounds in which two instances accepted writes").isEmpty();
  }

  @Test
  void aRestartOnlySettingRollsTheStandbysFirstAndThePrimaryByASwitchover() throws Exception {
    InstanceKubelet pods = runningCluster();
    Psql app = application();
    app.value("CREATE TABLE orders (id int PRIMARY KEY)");
    awaitEverywhere("the table", "SELECT count(*) FROM orders", "0", 1, 2);
    Writer writer = Writer.start(app);
    stopLast.add(writer);
    Await.until("rows acknowledged before the change", START, () -> writer.acknowledged().size() >= 10);

    String oldRevision = op.statefulSet(NAME).getStatus().getUpdateRevision();
    op.editCluster(NAME, c -> {
      c.getSpec().setParameters(Map.of("max_connections", "150"));
      return c;
    });
    String revision = op.await("a new revision of the StatefulSet", () -> op.statefulSet(NAME).getStatus().getUpdateRevision(),
        updated -> !updated.equals(oldRevision));
    PostgresCluster rolled = op.await("every instance on the new revision, one primary", () -> op.cluster(NAME), c -> {
      return op.client.pods().inNamespace(op.namespace).list().getItems().stream()
          .filter(p -> revision.equals(p.getMetadata().getLabels().get(RollingUpdate.REVISION_LABEL))
              && p.getMetadata().getDeletionTimestamp() == null)
          .count() == 3 && Integer.valueOf(3).equals(c.getStatus().getInSyncInstances())
          && c.getStatus().getCurrentPrimary().equals(c.getStatus().getTargetPrimary());
    });
    assertThat(rolled.getStatus().getCurrentPrimary()).as("the primary went last, by a switchover").isNotEqualTo("shop-0");
    assertThat(rolled.getStatus().getLastPrimaryChange().getFrom()).isEqualTo("shop-0");
    assertThat(rolled.getStatus().getLastPrimaryChange().getReason()).isEqualTo(PrimaryChange.SWITCHOVER);
    assertThat(op.events(NAME, "Normal", PrimaryRoles.REASON_ROLLING_UPDATE)).extracting(e -> e.getMessage())
        .as("the standbys restarted one at a time, highest ordinal first")
        .anySatisfy(m -> assertThat(m).contains("restarting standby shop-2"))
        .anySatisfy(m -> assertThat(m).contains("restarting standby shop-1"));
    int before = writer.acknowledged().size();
    Await.until("writes acknowledged after the roll", START, () -> writer.acknowledged().size() >= before + 10);
    writer.close();
    assertThat(ids(app.value("SELECT string_agg(id::text, ',') FROM orders"))).containsAll(writer.acknowledged());
    assertThat(app.value("SHOW max_connections")).isEqualTo("150");
  }

  @Test
  void theNextOperatorCompletesAFailoverTheLastOneDecided() throws Exception {
    InstanceKubelet pods = runningCluster();
    Psql app = application();
    app.value("CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders VALUES (1)");
    awaitEverywhere("the first row", "SELECT count(*) FROM orders", "1", 1, 2);

    // The leading operator decides a failover to shop-1 and dies before acting on it.
    nextOperatorAfter(() -> pods.hold(0), DatabaseFailoverIT::failoverToShop1Decided);
    PostgresCluster done = op.await("the recorded failover completed", () -> op.cluster(NAME),
        c -> "shop-1".equals(c.getStatus().getCurrentPrimary()));
    assertThat(done.getStatus().getPrimaryEpoch()).isEqualTo(2L);
    assertThat(op.configMap("shop-state").getData()).containsEntry("primary", "shop-1").containsEntry("epoch", "2");
    awaitWrite(app, "INSERT INTO orders VALUES (2)", "a write through -rw reaches shop-1");
    awaitEverywhere("both rows", "SELECT count(*) FROM orders", "2", 1);
  }

  @Test
  void aFailoverWhoseChosenStandbyIsLostTooMovesOnToAnother() throws Exception {
    InstanceKubelet pods = runningCluster();
    Psql app = application();
    app.value("CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders VALUES (1)");
    awaitEverywhere("the first row", "SELECT count(*) FROM orders", "1", 1, 2);

    // The last leader decided on shop-1 and died; then shop-1's node went too.
    nextOperatorAfter(() -> {
      pods.hold(0);
      pods.hold(1);
    }, DatabaseFailoverIT::failoverToShop1Decided);
    PostgresCluster done = op.await("shop-2 promoted instead", () -> op.cluster(NAME),
        c -> "shop-2".equals(c.getStatus().getCurrentPrimary()));
    assertThat(done.getStatus().getPrimaryEpoch()).as("a new decision, a new epoch").isEqualTo(3L);
    assertThat(done.getStatus().getLastPrimaryChange().getFrom()).isEqualTo("shop-0");
    awaitWrite(app, "INSERT INTO orders VALUES (2)", "a write through -rw reaches shop-2");
  }

  @Test
  void aClusterWhoseRecordIsLostWithInstanceZeroAStandbyGetsAPrimaryAgainWithItsRows() throws Exception {
    InstanceKubelet pods = runningCluster();
    Psql app = application();
    app.value("CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders VALUES (1)");
    // Replication is asynchronous: a failover keeps only what reached a standby.
    awaitEverywhere("the first row", "SELECT count(*) FROM orders", "1", 1, 2);
    pods.hold(0);
    op.await("a standby promoted", () -> op.cluster(NAME), c -> !"shop-0".equals(c.getStatus().getCurrentPrimary())
        && c.getStatus().getCurrentPrimary().equals(c.getStatus().getTargetPrimary()));
    pods.release(0);
    awaitWrite(app, "INSERT INTO orders VALUES (2)", "a write through -rw");
    awaitEverywhere("both rows", "SELECT count(*) FROM orders", "2", 0, 1, 2);

    // As after the PostgresCluster was deleted and created again over its volumes: no record, no
    // state; every instance restarts with instance 0 (a standby now) named by default.
    KubernetesClient admin = op.client;
    String namespace = op.namespace;
    nextOperatorAfter(() -> {
      admin.configMaps().inNamespace(namespace).withName(NAME + "-state").delete();
      for (int ordinal = 0; ordinal < 3; ordinal++) {
        pods.crash(ordinal);
      }
    }, lost -> new PostgresClusterStatus());
    PostgresCluster recovered = op.await("a primary recorded and serving", () -> op.cluster(NAME),
        c -> c.getStatus() != null && c.getStatus().getCurrentPrimary() != null
            && c.getStatus().getCurrentPrimary().equals(c.getStatus().getTargetPrimary())
            && c.getStatus().getPrimaryEpoch() != null && c.getStatus().getPrimaryEpoch() >= 2L);
    assertThat(recovered.getStatus().getLastPrimaryChange().getReason()).isEqualTo(PrimaryChange.FAILOVER);
    awaitWrite(app, "INSERT INTO orders VALUES (3)", "writes through -rw again");
    assertThat(app.value("SELECT string_agg(id::text, ',' ORDER BY id) FROM orders")).isEqualTo("1,2,3");
  }

  @Test
  void aRecordNamingAStandbyIsCorrectedToTheRunningPrimaryWithoutDeletingAnything() throws Exception {
    InstanceKubelet pods = runningCluster();
    Psql app = application();
    app.value("CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders VALUES (1)");
    String uid = op.pod("shop-0").getMetadata().getUid();

    // As if the record were lost and made anew wrongly: it names a standby.
    Await.until("the record rewritten", () -> {
      try {
        op.client.resources(PostgresCluster.class).inNamespace(op.namespace).withName(NAME).editStatus(c -> {
          c.getStatus().setCurrentPrimary("shop-1");
          c.getStatus().setTargetPrimary("shop-1");
          return c;
        });
        return true;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        return false; // the operator wrote the status meanwhile
      }
    });
    PostgresCluster corrected = op.await("the running primary recorded", () -> op.cluster(NAME),
        c -> "shop-0".equals(c.getStatus().getCurrentPrimary()) && c.getStatus().getPrimaryEpoch() == 2L);
    assertThat(corrected.getStatus().getTargetPrimary()).isEqualTo("shop-0");
    op.await("a Warning event", () -> op.events(NAME, "Warning", PrimaryRoles.REASON_ADOPTED), e -> !e.isEmpty());
    assertThat(op.pod("shop-0").getMetadata().getUid()).as("the primary's pod was not deleted").isEqualTo(uid);
    assertThat(pods.pods().superuser(1).value("SELECT pg_is_in_recovery()")).as("nothing promoted").isEqualTo("t");
    awaitWrite(app, "INSERT INTO orders VALUES (2)", "writes through -rw");
  }

  @Test
  void aSwitchoverToAnInstanceThatDoesNotExistIsRefusedWithAConditionAndAnEvent() throws Exception {
    runningCluster();
    op.editCluster(NAME, c -> {
          c.getMetadata().getAnnotations().put(PostgresCluster.TARGET_PRIMARY_ANNOTATION, "shop-7");
          return c;
        });
    PostgresCluster refused = op.await("the refusal in the status", () -> op.cluster(NAME),
        c -> Conditions.find(c.getStatus().getConditions(), Conditions.SWITCHOVER).isPresent());
    assertThat(Conditions.find(refused.getStatus().getConditions(), Conditions.SWITCHOVER).orElseThrow().getMessage())
        .contains("shop-7 is not an instance of this cluster (shop-0 to shop-2)");
    assertThat(refused.getStatus().getCurrentPrimary()).isEqualTo("shop-0");
    op.await("a Warning event", () -> op.events(NAME, "Warning", PrimaryRoles.REASON_SWITCHOVER_REFUSED), e -> !e.isEmpty());
    double reconciles = op.reconciles();
    double retries = op.retries();

    op.editCluster(NAME, c -> {
          c.getMetadata().getAnnotations().remove(PostgresCluster.TARGET_PRIMARY_ANNOTATION);
          return c;
        });
    op.await("the condition gone with the request", () -> op.cluster(NAME),
        c -> Conditions.find(c.getStatus().getConditions(), Conditions.SWITCHOVER).isEmpty());
    assertThat(op.reconciles()).isGreaterThan(reconciles);
    assertThat(op.retries()).as("a refused request is no reconcile error, retried").isEqualTo(retries);
  }

  // --- set-up ---

  /** A three-instance cluster with a short failover delay, every instance Ready and labelled. */
  private InstanceKubelet runningCluster() throws Exception {
    op = OperatorHarness.start("dbfailover", Duration.ZERO, addresses());
    PostgresCluster spec = Clusters.minimal(NAME);
    spec.getSpec().setInstances(3);
    FailoverSpec failover = new FailoverSpec();
    failover.setDelay("2s");
    spec.getSpec().setFailover(failover);
    spec.getMetadata().setUid(null);
    spec.getMetadata().setResourceVersion(null);
    spec.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of("note", "test")));
    op.create(spec);
    op.await("the operator's StatefulSet", () -> op.statefulSet(NAME), s -> true);
    InstanceKubelet pods = new InstanceKubelet(op.client, op.namespace, NAME, PostgresBinaries.newest());
    kubelet.set(pods);
    op.await("every instance labelled", () -> op.client.pods().inNamespace(op.namespace).list().getItems(),
        list -> list.size() == 3 && list.stream().allMatch(p -> p.getMetadata().getLabels().containsKey(ChildMeta.ROLE_LABEL)));
    op.await("all in sync", () -> op.cluster(NAME),
        c -> c.getStatus() != null && Integer.valueOf(3).equals(c.getStatus().getInSyncInstances()));
    assertThat(op.pod("shop-0").getMetadata().getLabels()).containsEntry(ChildMeta.ROLE_LABEL, ChildMeta.ROLE_PRIMARY);
    return pods;
  }

  /**
   * Stops this operator, then (with nothing reconciling) applies {@code meanwhile} and rewrites the
   * cluster's status with {@code record}, as a previous leader or a lost record would have left it,
   * and starts the next operator on the same namespace.
   */
  private void nextOperatorAfter(Runnable meanwhile, java.util.function.UnaryOperator<PostgresClusterStatus> record)
      throws Exception {
    String namespace = op.namespace;
    KubernetesClient admin = op.client;
    op.close();
    op = null;
    meanwhile.run();
    // Read once the operator has stopped: it writes the status until then.
    PostgresCluster cluster = admin.resources(PostgresCluster.class).inNamespace(namespace).withName(NAME).get();
    cluster.setStatus(record.apply(cluster.getStatus()));
    admin.resources(PostgresCluster.class).inNamespace(namespace).resource(cluster).updateStatus();
    op = OperatorHarness.startIn(namespace, Duration.ZERO, addresses());
  }

  /** A failover from shop-0 to shop-1 decided (epoch 2) and not acted on. */
  private static PostgresClusterStatus failoverToShop1Decided(PostgresClusterStatus status) {
    status.setTargetPrimary("shop-1");
    status.setPrimaryEpoch(2L);
    status.setLastPrimaryChange(new PrimaryChange(PrimaryChange.FAILOVER, "shop-0", "shop-1", 2L,
        Instant.now().toString(), null));
    return status;
  }

  /** Retries {@code sql} through -rw until it succeeds; a timeout says what psql said last. */
  private static void awaitWrite(Psql app, String sql, String what) {
    AtomicReference<Psql.Result> last = new AtomicReference<>();
    try {
      Await.until(what, START, () -> {
        last.set(app.run(sql));
        return last.get().succeeded();
      });
    } catch (AssertionError timedOut) {
      throw new AssertionError(timedOut.getMessage() + "; psql said last: " + last.get(), timedOut);
    }
  }

  private InstanceAddresses addresses() {
    return (cluster, pod) -> new InstanceAddresses.Address("127.0.0.1",
        kubelet.get().podPort(ChildNames.ordinal(cluster.getMetadata().getName(), pod)));
  }

  /** The application's login, through the -rw Service, verifying the server as the Secret says. */
  private Psql application() throws Exception {
    Secret secret = op.secret(NAME + "-credentials");
    Path ca = Files.writeString(Files.createTempFile("shop-ca-", ".crt"), CredentialsSecret.value(secret, CredentialsSecret.CA_CERT));
    ca.toFile().deleteOnExit();
    InetSocketAddress rw = kubelet.get().service(ChildNames.readWriteService(NAME));
    return new Psql(PostgresBinaries.newest(), "127.0.0.1", rw.getPort(),
        CredentialsSecret.value(secret, CredentialsSecret.USERNAME), CredentialsSecret.value(secret, CredentialsSecret.PASSWORD),
        CredentialsSecret.value(secret, CredentialsSecret.DATABASE));
  }

  private void awaitEverywhere(String what, String sql, String expected, int... ordinals) {
    String database = CredentialsSecret.value(op.secret(NAME + "-credentials"), CredentialsSecret.DATABASE);
    for (int ordinal : ordinals) {
      Psql superuser = kubelet.get().pods().superuser(ordinal);
      Psql inDatabase = new Psql(superuser.binaries(), superuser.host(), superuser.port(), superuser.user(), null, database);
      Await.until(what + " on shop-" + ordinal, START, () -> expected.equals(inDatabase.run(sql).output().strip()));
    }
  }

  private static int ordinal(String pod) {
    return ChildNames.ordinal(NAME, pod);
  }

  private static Set<Integer> ids(String list) {
    Set<Integer> ids = new TreeSet<>();
    for (String id : list.split(",")) {
      if (!id.isBlank()) {
        ids.add(Integer.parseInt(id.strip()));
      }
    }
    return ids;
  }

  /** Inserts ids 1, 2, ... through -rw, one at a time; keeps those whose commit was acknowledged. */
  private static final class Writer implements AutoCloseable {
    private final Set<Integer> acknowledged = new ConcurrentSkipListSet<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private Writer(Psql app) {
      thread = new Thread(() -> {
        for (int id = 1; running.get(); id++) {
          if (app.run("INSERT INTO orders VALUES (" + id + ")").succeeded()) {
            acknowledged.add(id);
          }
        }
      }, "writer");
    }

    static Writer start(Psql app) {
      Writer writer = new Writer(app);
      writer.thread.setDaemon(true);
      writer.thread.start();
      return writer;
    }

    Set<Integer> acknowledged() {
      return acknowledged;
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(Duration.ofSeconds(70).toMillis());
    }
  }
}
