package io.pgoperator.runtime.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pgoperator.runtime.kube.KubeClients;
import io.pgoperator.runtime.leader.AlwaysLeader;
import io.pgoperator.runtime.reconcile.Request;
import io.pgoperator.runtime.reconcile.Result;
import io.pgoperator.runtime.reconcile.TerminalException;
import io.pgoperator.runtime.source.InformerSource;
import io.pgoperator.runtime.source.KeyMapper;
import io.pgoperator.runtime.testing.ApiServer;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.BlockedThreadWatch;
import io.pgoperator.runtime.time.VertxClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller loop against an API server: written once, run on the real server
 * ({@code ControllerEnvtestIT}) and on the mock ({@code ControllerMockTest}). Primaries are
 * ConfigMaps, owned secondaries are Secrets, each test in its own namespace, on a Vert.x whose
 * blocked-thread checker fails the test on any warning.
 */
abstract class ControllerContract {

  protected abstract ApiServer server();

  private Vertx vertx;
  private BlockedThreadWatch blocked;
  private KubernetesClient operatorClient;
  private MeterRegistry registry;
  private ControllerVerticle controller;
  private InformerSource<ConfigMap> configMaps;
  private String deploymentId;
  protected RecordingReconciler reconciler;
  protected String namespace;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx(BlockedThreadWatch.tightOptions());
    blocked = BlockedThreadWatch.attach(vertx);
    namespace = server().createNamespace("ctrl");
    operatorClient = KubeClients.create(vertx, server().config());
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    reconciler = new RecordingReconciler(vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (deploymentId != null) {
      vertx.undeploy(deploymentId).await(10, TimeUnit.SECONDS);
    }
    operatorClient.close();
    vertx.close().await(10, TimeUnit.SECONDS);
    blocked.assertNoneBlocked();
  }

  private void startController(int workers) throws Exception {
    startController(workers, new AlwaysLeader(new VertxClock(vertx)));
  }

  private void startController(int workers, io.pgoperator.runtime.leader.Leadership leadership) throws Exception {
    startController(workers, new io.pgoperator.runtime.ownership.SingleLeader(leadership));
  }

  private void startController(int workers, io.pgoperator.runtime.ownership.Ownership ownership) throws Exception {
    configMaps = new InformerSource<>(operatorClient, ConfigMap.class, List.of(namespace), KeyMapper.self());
    InformerSource<Secret> secrets = new InformerSource<>(operatorClient, Secret.class, List.of(namespace),
        KeyMapper.controllerOwner("", "ConfigMap"));
    controller = new ControllerVerticle(ControllerOptions.named("test").withMaxConcurrentReconciles(workers),
        configMaps, List.<InformerSource<? extends HasMetadata>>of(secrets), reconciler, ownership, registry);
    deploymentId = vertx.deployVerticle(controller).await(10, TimeUnit.SECONDS);
    Await.until("caches synced", controller::hasSynced);
  }

  private ConfigMap createConfigMap(String name) {
    return server().client().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
        .withNewMetadata().withName(name).endMetadata().addToData("v", "0").build()).create();
  }

  private void updateConfigMap(String name, String value) {
    server().client().configMaps().inNamespace(namespace).withName(name)
        .edit(cm -> new ConfigMapBuilder(cm).addToData("v", value).build());
  }

  private Request key(String name) {
    return new Request(namespace, name);
  }

  private double counter(String name, String... tags) {
    var counter = registry.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aStandbyKeepsWarmCachesButNoBacklogAndQueuesEveryCachedKeyWhenItLeads() throws Exception {
    SwitchableLeadership leadership = new SwitchableLeadership(new VertxClock(vertx));
    startController(1, leadership);
    createConfigMap("a");
    createConfigMap("b");
    Await.until("both cached on the standby", () -> controller.sources().get(0).cachedKeys().size() == 2);
    updateConfigMap("a", "1");
    Await.until("the update cached", () -> "1".equals(((ConfigMap) controller.sources().get(0).get(key("a")))
        .getData().get("v")));
    assertThat(depth()).as("a standby queues nothing").isZero();
    assertThat(reconciler.callsFor(key("a")) + reconciler.callsFor(key("b"))).isZero();

    leadership.lead();
    Await.until("every cached key reconciled once it leads",
        () -> reconciler.callsFor(key("a")) >= 1 && reconciler.callsFor(key("b")) >= 1);

    leadership.stepDown();
    long before = reconciler.callsFor(key("c"));
    createConfigMap("c");
    Await.until("c cached", () -> controller.sources().get(0).cachedKeys().contains(key("c")));
    assertThat(depth()).as("back to standby: no backlog").isZero();
    assertThat(reconciler.callsFor(key("c"))).isEqualTo(before);
  }

  @Test
  void onlyKeysOfOwnedSlotsAreReconciledAndReleasingASlotWaitsForItsReconciles() throws Exception {
    SlotOwnership ownership = new SlotOwnership(new VertxClock(vertx));
    startController(2, ownership);
    createConfigMap("a1");
    createConfigMap("b1");
    Await.until("both cached", () -> controller.sources().get(0).cachedKeys().size() == 2);

    ownership.acquire(0);
    Await.until("slot 0's key reconciled once slot 0 is owned", () -> reconciler.callsFor(key("a1")) >= 1);
    updateConfigMap("b1", "1");
    Await.until("the update of b1 cached", () -> "1".equals(((ConfigMap) controller.sources().get(0)
        .get(key("b1"))).getData().get("v")));
    assertThat(reconciler.callsFor(key("b1"))).as("slot 1 is not owned").isZero();

    // A reconcile of slot 0 in flight: releasing the slot completes only once it has finished.
    io.vertx.core.Promise<Result> inFlight = io.vertx.core.Promise.promise();
    reconciler.behave(key -> key.name().equals("a1") ? inFlight.future() : Future.succeededFuture(Result.done()));
    long before = reconciler.callsFor(key("a1"));
    updateConfigMap("a1", "2");
    Await.until("a1 reconciling again", () -> reconciler.callsFor(key("a1")) > before);
    Future<Void> released = ownership.release(0);
    ownership.acquire(1);
    Await.until("slot 1's key reconciled once slot 1 is owned", () -> reconciler.callsFor(key("b1")) >= 1);
    assertThat(released.isComplete()).as("released while a1's reconcile runs").isFalse();
    inFlight.complete(Result.done());
    released.await(10, TimeUnit.SECONDS);

    long after = reconciler.callsFor(key("a1"));
    updateConfigMap("a1", "3");
    updateConfigMap("b1", "3");
    Await.until("b1's update reconciled", () -> reconciler.callsOf(key("b1")).size() >= 2);
    assertThat(reconciler.callsFor(key("a1"))).as("slot 0 is no longer owned").isEqualTo(after);
  }

  private double depth() {
    var gauge = registry.find("workqueue_depth").tags("name", "test").gauge();
    return gauge == null ? 0 : gauge.value();
  }

  @Test
  void syncsCachesAndDeliversCreateUpdateAndDelete() throws Exception {
    createConfigMap("before-start");
    startController(1);
    Await.until("object created before start reconciled", () -> reconciler.callsFor(key("before-start")) >= 1);

    createConfigMap("after-start");
    Await.until("created object reconciled", () -> reconciler.callsFor(key("after-start")) >= 1);
    long afterCreate = reconciler.callsFor(key("after-start"));

    updateConfigMap("after-start", "1");
    Await.until("updated object reconciled again", () -> reconciler.callsFor(key("after-start")) > afterCreate);
    long afterUpdate = reconciler.callsFor(key("after-start"));

    server().client().configMaps().inNamespace(namespace).withName("after-start").delete();
    Await.until("deleted object reconciled (its key, now absent)", () -> reconciler.callsFor(key("after-start")) > afterUpdate);
  }

  @Test
  void reconcilesEachOfManyObjects() throws Exception {
    startController(4);
    IntStream.range(0, 200).forEach(i -> createConfigMap("many-" + i));
    Await.until("all 200 objects reconciled", Duration.ofSeconds(60),
        () -> IntStream.range(0, 200).allMatch(i -> reconciler.callsFor(key("many-" + i)) >= 1));
    assertThat(counter("controller_runtime_reconcile", "controller", "test", "result", "success")).isGreaterThanOrEqualTo(200);
  }

  @Test
  void changingAnOwnedObjectEnqueuesItsOwner() throws Exception {
    startController(1);
    ConfigMap owner = createConfigMap("owner");
    Await.until("owner reconciled", () -> reconciler.callsFor(key("owner")) >= 1);
    long before = reconciler.callsFor(key("owner"));

    server().client().secrets().inNamespace(namespace).resource(new SecretBuilder()
        .withNewMetadata().withName("owned").addNewOwnerReference()
        .withApiVersion("v1").withKind("ConfigMap").withName("owner").withUid(owner.getMetadata().getUid())
        .withController(true).endOwnerReference().endMetadata()
        .addToStringData("k", "v").build()).create();
    Await.until("owner reconciled after its Secret appeared", () -> reconciler.callsFor(key("owner")) > before);
    assertThat(reconciler.callsFor(key("owned"))).as("the secondary's own key is never reconciled").isZero();

    long afterCreate = reconciler.callsFor(key("owner"));
    server().client().secrets().inNamespace(namespace).withName("owned")
        .edit(s -> new SecretBuilder(s).addToStringData("k", "changed").build());
    Await.until("owner reconciled after its Secret changed", () -> reconciler.callsFor(key("owner")) > afterCreate);
  }

  @Test
  void failingReconcileIsRetriedWithGrowingDelaysAndCounted() throws Exception {
    Map<Request, Integer> failuresLeft = new java.util.concurrent.ConcurrentHashMap<>(Map.of(key("flaky"), 4));
    reconciler.behave(key -> failuresLeft.merge(key, -1, Integer::sum) >= 0
        ? Future.failedFuture(new IllegalStateException("simulated failure"))
        : Future.succeededFuture(Result.done()));
    startController(1);
    createConfigMap("flaky");

    Await.until("four failures then a success", () -> counter("controller_runtime_reconcile",
        "controller", "test", "result", "success") >= 1);
    List<RecordingReconciler.Call> calls = reconciler.callsOf(key("flaky"));
    assertThat(calls).hasSize(5);
    assertThat(counter("controller_runtime_reconcile_errors", "controller", "test")).isEqualTo(4);
    assertThat(counter("workqueue.retries", "name", "test")).isEqualTo(4);
    // Backoff 5, 10, 20, 40 ms: the retries can come no sooner than 75 ms after the first try.
    long elapsedMillis = (calls.get(4).nanos() - calls.get(0).nanos()) / 1_000_000;
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(75);
  }

  @Test
  void terminalErrorIsNotRetriedUntilTheObjectChanges() throws Exception {
    reconciler.behave(key -> key.name().equals("invalid")
        ? Future.failedFuture(new TerminalException("spec is invalid"))
        : Future.succeededFuture(Result.done()));
    startController(1);
    createConfigMap("invalid");
    Await.until("terminal error counted", () -> counter("controller_runtime_terminal_reconcile_errors", "controller", "test") == 1);

    // Anything queued later is served after a retry of "invalid" would have been (5 ms backoff).
    createConfigMap("marker");
    Await.until("marker reconciled", () -> reconciler.callsFor(key("marker")) >= 1);
    assertThat(reconciler.callsFor(key("invalid"))).isEqualTo(1);
    assertThat(counter("workqueue.retries", "name", "test")).isZero();

    updateConfigMap("invalid", "fixed");
    Await.until("a change reconciles it again", () -> reconciler.callsFor(key("invalid")) == 2);
  }

  @Test
  void concurrentUpdatesOfOneKeyNeverOverlap() throws Exception {
    reconciler.workFor(30);
    startController(4);
    // What each reconcile saw of the key: its last update may reach the cache, and be reconciled,
    // before this thread is back from making it.
    reconciler.observe(key -> {
      ConfigMap cached = configMaps.get(key);
      return cached == null ? null : cached.getData().get("v");
    });
    createConfigMap("hot");
    IntStream.range(0, 5).forEach(i -> createConfigMap("other-" + i));
    for (int i = 1; i <= 15; i++) {
      updateConfigMap("hot", String.valueOf(i));
    }
    Await.until("a reconcile of the key that saw its last update, and of every other key", () ->
        reconciler.callsOf(key("hot")).stream().anyMatch(call -> "15".equals(call.seen()))
            && IntStream.range(0, 5).allMatch(i -> reconciler.callsFor(key("other-" + i)) >= 1));
    assertThat(reconciler.maxInFlightPerKey()).as("reconciles of one key at once").isEqualTo(1);
  }
}
