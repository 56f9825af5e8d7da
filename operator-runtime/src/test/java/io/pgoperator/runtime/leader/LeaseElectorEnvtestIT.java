package io.pgoperator.runtime.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgoperator.runtime.kube.FencedWriteException;
import io.pgoperator.runtime.kube.KubeCalls;
import io.pgoperator.runtime.kube.KubeClients;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import io.pgoperator.runtime.time.VertxClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three electors on a real kube-apiserver: real optimistic concurrency, real MicroTime handling,
 * a real watch. Timings are short (3 s lease, 2 s renew deadline, 0.5 s retry) to keep it quick.
 */
@ExtendWith(EnvtestDiagnostics.class)
class LeaseElectorEnvtestIT {

  private static final String LEASE = "pg-operator-test-lock";
  private static final Duration LEASE_DURATION = Duration.ofSeconds(3);

  private final Envtest server = Envtest.get();
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final List<PartitionableLeaseApi> apis = new ArrayList<>();
  private final List<String> transitions = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private String namespace;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    namespace = server.createNamespace("lease");
  }

  @AfterEach
  void tearDown() throws Exception {
    apis.forEach(api -> api.partition(false));
    vertx.close().await(30, TimeUnit.SECONDS);
    clients.forEach(KubernetesClient::close);
  }

  private LeaseElector elector(String identity) {
    KubernetesClient client = KubeClients.create(vertx, server.config());
    clients.add(client);
    PartitionableLeaseApi api = new PartitionableLeaseApi(new KubeLeaseApi(client, client, namespace, LEASE, java.time.Duration.ofSeconds(1)));
    apis.add(api);
    LeaderElectionConfig config = LeaderElectionConfig.of(namespace, LEASE).withIdentity(identity)
        .withTimings(LEASE_DURATION, Duration.ofSeconds(2), Duration.ofMillis(500));
    LeaseElector elector = new LeaseElector(config, api, new VertxClock(vertx), new SimpleMeterRegistry(),
        max -> ThreadLocalRandom.current().nextLong(max + 1));
    elector.addListener(new LeadershipListener() {
      @Override
      public void startedLeading(LeaderTerm term) {
        transitions.add("started " + identity);
      }

      @Override
      public void stoppedLeading(LeaderTerm term) {
        transitions.add("stopped " + identity);
      }
    });
    return elector;
  }

  private List<LeaseElector> start(String... identities) throws Exception {
    List<LeaseElector> electors = new ArrayList<>();
    for (String identity : identities) {
      LeaseElector elector = elector(identity);
      vertx.deployVerticle(elector).await(30, TimeUnit.SECONDS);
      electors.add(elector);
    }
    return electors;
  }

  private Lease lease() {
    return server.client().resources(Lease.class).inNamespace(namespace).withName(LEASE).get();
  }

  private static LeaseElector theLeader(List<LeaseElector> electors) {
    return Await.value("exactly one leader", () -> electors.stream().filter(LeaseElector::isLeader).toList(),
        leaders -> leaders.size() == 1).get(0);
  }

  @Test
  void threeElectorsAgreeOnExactlyOneLeaderNamedInTheLease() throws Exception {
    List<LeaseElector> electors = start("a", "b", "c");
    LeaseElector leader = theLeader(electors);

    Await.until("the Lease names the leader and every standby has seen it", () ->
        leader.identity().equals(lease().getSpec().getHolderIdentity())
            && electors.stream().allMatch(e -> e.observedHolder().orElse("").equals(leader.identity())));
    Lease lease = lease();
    assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(3);
    assertThat(lease.getSpec().getAcquireTime()).isNotNull();
    String renewedBefore = lease.getSpec().getRenewTime().toString();
    Await.until("the leader renews", () -> !lease().getSpec().getRenewTime().toString().equals(renewedBefore));
    assertThat(electors.stream().filter(LeaseElector::isLeader)).containsExactly(leader);
  }

  @Test
  void aReleasedLeaseIsTakenByAnotherReplica() throws Exception {
    List<LeaseElector> electors = start("a", "b", "c");
    LeaseElector first = theLeader(electors);
    Await.until("standbys watch the leader", () ->
        electors.stream().allMatch(e -> e.observedHolder().orElse("").equals(first.identity())));
    int transitionsBefore = lease().getSpec().getLeaseTransitions();

    first.release().await(10, TimeUnit.SECONDS);

    LeaseElector second = theLeader(electors);
    assertThat(second).isNotSameAs(first);
    Await.until("the Lease names the new leader", () -> second.identity().equals(lease().getSpec().getHolderIdentity()));
    assertThat(lease().getSpec().getLeaseTransitions()).isEqualTo(transitionsBefore + 1);
  }

  @Test
  void aPartitionedLeaderIsFencedBeforeAnotherTakesOverAfterTheLeaseDuration() throws Exception {
    List<LeaseElector> electors = start("a", "b", "c");
    LeaseElector first = theLeader(electors);
    LeaderTerm firstTerm = first.currentTerm();
    KubeCalls calls = new KubeCalls(vertx, clients.get(electors.indexOf(first)), Envtest.get().config(), Duration.ofSeconds(1), first, 1);
    Lease beforePartition = lease();

    apis.get(electors.indexOf(first)).partition(true);

    LeaseElector second = Await.value("another replica leads", () -> electors.stream()
        .filter(e -> e != first && e.isLeader()).findFirst(), java.util.Optional::isPresent).get();
    Lease taken = lease();
    assertThat(taken.getSpec().getHolderIdentity()).isEqualTo(second.identity());
    // Not before the lease duration: the taker's acquireTime is at least a lease duration after
    // the last renewal it saw (same machine, same wall clock).
    Instant lastRenew = beforePartition.getSpec().getRenewTime().toInstant();
    Instant acquired = taken.getSpec().getAcquireTime().toInstant();
    assertThat(Duration.between(lastRenew, acquired)).isGreaterThanOrEqualTo(LEASE_DURATION);
    // Fenced first: the old leader stopped leading before the new one started.
    assertThat(transitions).containsSubsequence("stopped " + first.identity(), "started " + second.identity());
    assertThat(firstTerm.isValid()).isFalse();
    Future<Object> write = calls.write("create ConfigMap fenced", c -> c.configMaps().inNamespace(namespace)
            .resource(new ConfigMapBuilder().withNewMetadata().withName("fenced").endMetadata().build()).create());
    assertThatThrownBy(() -> write.await(10, TimeUnit.SECONDS)).isInstanceOf(FencedWriteException.class)
        .hasMessageContaining("not the leader");
    assertThat(server.client().configMaps().inNamespace(namespace).withName("fenced").get()).isNull();
    calls.close();

    // Back to standby without a restart, and able to lead again under a new term.
    apis.get(electors.indexOf(first)).partition(false);
    Await.until("the old leader sees the new one", () -> first.observedHolder().orElse("").equals(second.identity()));
    assertThat(first.isLeader()).isFalse();
    for (LeaseElector other : electors) {
      if (other != first && other != second) {
        other.release().await(10, TimeUnit.SECONDS);
      }
    }
    second.release().await(10, TimeUnit.SECONDS);
    Await.until("the old leader leads again", first::isLeader);
    assertThat(first.currentTerm().number()).isGreaterThan(firstTerm.number());
    assertThat(firstTerm.isValid()).isFalse();
  }
}
