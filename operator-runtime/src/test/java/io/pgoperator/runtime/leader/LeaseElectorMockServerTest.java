package io.pgoperator.runtime.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgoperator.runtime.kube.KubeClients;
import io.pgoperator.runtime.time.VertxClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Electors on one Vert.x against the fabric8 mock API server (CRUD mode): the real {@link
 * KubeLeaseApi} over the asynchronous HTTP client, real timers, a real watch.
 */
@EnableKubernetesMockClient(crud = true)
class LeaseElectorMockServerTest {

  private static final String NAMESPACE = "test";
  private static final String LEASE = "pg-operator-lock";

  KubernetesClient client;

  private final List<KubernetesClient> clients = new ArrayList<>();
  private final List<DeferredCloseLeaseApi> apis = new ArrayList<>();
  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  // Own Vert.x, closed here: the mock server shuts down only once every connection is gone.
  // Watches close only after every event has arrived (see DeferredCloseLeaseApi).
  @AfterEach
  void closeWatchesClientsAndVertx() throws Exception {
    Lease last = client.resources(Lease.class).inNamespace(NAMESPACE).withName(LEASE).get();
    String version = last == null ? null : last.getMetadata().getResourceVersion();
    awaitUntil(() -> apis.stream().allMatch(a -> Objects.equals(a.lastDeliveredVersion(), version)),
        "every watch to see resourceVersion " + version);
    apis.forEach(DeferredCloseLeaseApi::reallyClose);
    clients.forEach(KubernetesClient::close);
    await(vertx.close());
  }

  private LeaseElector elector(String identity) {
    KubernetesClient own = KubeClients.create(vertx, client.getConfiguration());
    clients.add(own);
    LeaderElectionConfig config = LeaderElectionConfig.of(NAMESPACE, LEASE).withIdentity(identity)
        .withTimings(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(300));
    DeferredCloseLeaseApi api = new DeferredCloseLeaseApi(new KubeLeaseApi(own, own, NAMESPACE, LEASE, java.time.Duration.ofSeconds(1)));
    apis.add(api);
    return new LeaseElector(config, api, new VertxClock(vertx), new SimpleMeterRegistry(),
        max -> ThreadLocalRandom.current().nextLong(max + 1));
  }

  @Test
  void exactlyOneOfThreeLeadsAndAReleaseHandsOver() throws Exception {
    List<LeaseElector> electors = List.of(elector("replica-a"), elector("replica-b"), elector("replica-c"));
    List<String> deployments = new ArrayList<>();
    for (LeaseElector e : electors) {
      deployments.add(await(vertx.deployVerticle(e)));
    }

    awaitUntil(() -> leaders(electors).size() == 1, "one leader");
    LeaseElector first = leaders(electors).get(0);
    // Over several renew periods, never a second leader, and the Lease names the leader.
    for (int i = 0; i < 20; i++) {
      assertThat(leaders(electors)).containsExactly(first);
      TimeUnit.MILLISECONDS.sleep(100);
    }
    Lease lease = client.resources(Lease.class).inNamespace(NAMESPACE).withName(LEASE).get();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(first.identity());
    assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(2);
    assertThat(lease.getSpec().getRenewTime()).isNotNull();
    int transitions = lease.getSpec().getLeaseTransitions();
    awaitUntil(() -> electors.stream().allMatch(e -> e.observedHolder().equals(Optional.of(first.identity()))),
        "standbys see the leader");

    await(vertx.undeploy(deployments.get(electors.indexOf(first)))); // stop() releases the Lease

    assertThat(first.isLeader()).isFalse();
    awaitUntil(() -> leaders(electors).size() == 1, "a new leader");
    LeaseElector second = leaders(electors).get(0);
    assertThat(second).isNotSameAs(first);
    Lease after = client.resources(Lease.class).inNamespace(NAMESPACE).withName(LEASE).get();
    assertThat(after.getSpec().getHolderIdentity()).isEqualTo(second.identity());
    assertThat(after.getSpec().getLeaseTransitions()).isEqualTo(transitions + 1);
    assertThat(after.getSpec().getLeaseDurationSeconds()).isEqualTo(2);

    for (LeaseElector e : electors) {
      if (e != first) {
        await(vertx.undeploy(deployments.get(electors.indexOf(e))));
      }
    }
    assertThat(leaders(electors)).isEmpty();
  }

  @Test
  void renewsKeepWhatOthersWroteAndSurviveAConflict() throws Exception {
    LeaseElector elector = elector("replica-a");
    String deployment = await(vertx.deployVerticle(elector));
    awaitUntil(elector::isLeader, "leadership");
    LeaderTerm term = elector.currentTerm();

    // Someone labels the Lease: the leader's next renew conflicts, re-reads and keeps the label.
    client.resources(Lease.class).inNamespace(NAMESPACE).withName(LEASE)
        .edit(l -> {
          l.getMetadata().setLabels(Map.of("team", "db"));
          return l;
        });
    String labelledVersion = client.resources(Lease.class).inNamespace(NAMESPACE).withName(LEASE).get()
        .getMetadata().getResourceVersion();
    awaitUntil(() -> !client.resources(Lease.class).inNamespace(NAMESPACE).withName(LEASE).get()
        .getMetadata().getResourceVersion().equals(labelledVersion), "a renew after the edit");

    Lease renewed = client.resources(Lease.class).inNamespace(NAMESPACE).withName(LEASE).get();
    assertThat(renewed.getMetadata().getLabels()).containsEntry("team", "db");
    assertThat(renewed.getSpec().getHolderIdentity()).isEqualTo("replica-a");
    assertThat(elector.currentTerm()).isSameAs(term);
    assertThat(term.isValid()).isTrue();
    // MicroTime on the wire: RFC 3339 with six fraction digits, as the API server requires.
    String raw = client.raw(client.getMasterUrl() + "apis/coordination.k8s.io/v1/namespaces/" + NAMESPACE
        + "/leases/" + LEASE);
    assertThat(raw).containsPattern("\"renewTime\":\"\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z\"");

    await(vertx.undeploy(deployment));
    Lease released = client.resources(Lease.class).inNamespace(NAMESPACE).withName(LEASE).get();
    assertThat(released.getSpec().getHolderIdentity()).isEmpty();
    assertThat(released.getSpec().getLeaseDurationSeconds()).isEqualTo(1);
    assertThat(released.getMetadata().getLabels()).containsEntry("team", "db");
  }

  private static List<LeaseElector> leaders(List<LeaseElector> electors) {
    return electors.stream().filter(LeaseElector::isLeader).collect(Collectors.toList());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static void awaitUntil(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting for " + what);
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }
}
