package io.pgoperator.runtime.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgoperator.runtime.controller.ControllerOptions;
import io.pgoperator.runtime.controller.ControllerVerticle;
import io.pgoperator.runtime.kube.KubeCalls;
import io.pgoperator.runtime.kube.KubeClients;
import io.pgoperator.runtime.reconcile.ReconcileScope;
import io.pgoperator.runtime.reconcile.Reconciler;
import io.pgoperator.runtime.reconcile.Request;
import io.pgoperator.runtime.reconcile.Result;
import io.pgoperator.runtime.source.InformerSource;
import io.pgoperator.runtime.source.KeyMapper;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import io.pgoperator.runtime.time.VertxClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Controllers under a real Lease elector (not AlwaysLeader), on a real API server: a leader that
 * loses its term in the middle of a reconcile cannot write from it; the other replica reconciles
 * the key under its own term; the first one, leading again, does so under a new term.
 */
@ExtendWith(EnvtestDiagnostics.class)
class ControllerLeadershipEnvtestIT {

  private static final String LEASE = "controller-leadership";

  private final Envtest server = Envtest.get();
  private final List<String> outcomes = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Vertx vertx;
  private String namespace;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    namespace = server.createNamespace("ctrl-lead");
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
  }

  /** One replica: an elector whose Lease writes can be cut off, a controller on ConfigMap "in". */
  private final class Replica {
    final String identity;
    final PartitionableLeaseApi api;
    final LeaseElector elector;
    volatile CountDownLatch gate;

    Replica(String identity) throws Exception {
      this.identity = identity;
      KubernetesClient client = KubeClients.create(vertx, server.config());
      closeables.add(client);
      api = new PartitionableLeaseApi(new KubeLeaseApi(client, client, namespace, LEASE, Duration.ofSeconds(1)));
      LeaderElectionConfig config = LeaderElectionConfig.of(namespace, LEASE).withIdentity(identity)
          .withTimings(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(500));
      elector = new LeaseElector(config, api, new VertxClock(vertx), new SimpleMeterRegistry(), max -> 0);
      KubeCalls calls = new KubeCalls(vertx, client, server.config(), config.writeTimeout(), elector, 2);
      closeables.add(calls);
      Reconciler reconciler = request -> reconcile(calls, request);
      vertx.deployVerticle(new ControllerVerticle(ControllerOptions.named("leadership-" + identity),
          new InformerSource<>(client, ConfigMap.class, List.of(namespace), KeyMapper.self()), List.of(), reconciler,
          elector, new SimpleMeterRegistry())).await(30, TimeUnit.SECONDS);
      vertx.deployVerticle(elector).await(30, TimeUnit.SECONDS);
    }

    private Future<Result> reconcile(KubeCalls calls, Request request) {
      if (!request.name().equals("in")) {
        return Future.succeededFuture(Result.done());
      }
      long term = ReconcileScope.current().term().number();
      CountDownLatch wait = gate;
      Future<Void> held = wait == null ? Future.succeededFuture()
          : vertx.executeBlocking(() -> {
            wait.await(60, TimeUnit.SECONDS);
            return null;
          });
      String outcome = identity + " term " + term;
      return held.compose(v -> calls.write("write ConfigMap out", c -> c.configMaps().inNamespace(namespace)
              .resource(new ConfigMapBuilder().withNewMetadata().withName("out").endMetadata()
                  .addToData("writer", outcome).build())
              .createOr(NonDeletingOperation::update)))
          .map(written -> {
            outcomes.add(outcome + " wrote");
            return Result.done();
          })
          .recover(error -> {
            outcomes.add(outcome + " refused");
            return Future.failedFuture(error);
          });
    }
  }

  @Test
  void aReconcileWhoseTermEndsCannotWriteTheOtherReplicaReconcilesAndTheFirstLeadsAgainUnderANewTerm()
      throws Exception {
    Replica a = new Replica("a");
    Await.until("a leads", a.elector::isLeader);
    Replica b = new Replica("b");
    a.gate = new CountDownLatch(1);
    server.client().configMaps().inNamespace(namespace)
        .resource(new ConfigMapBuilder().withNewMetadata().withName("in").endMetadata().build()).create();
    Await.until("a's reconcile is under way", () -> a.gate.getCount() == 1 && a.elector.isLeader());

    a.api.partition(true); // a can no longer renew: its term ends at the renew deadline
    Await.until("a's term ended", () -> !a.elector.isLeader());
    a.gate.countDown();
    Await.until("a's reconcile tried to write", () -> outcomes.contains("a term 1 refused"));

    Await.until("b leads and reconciles the key", () -> outcomes.contains("b term 1 wrote"));
    assertThat(writer()).isEqualTo("b term 1");

    a.api.partition(false);
    a.gate = null;
    b.elector.release().await(30, TimeUnit.SECONDS); // b steps down: a takes over at once
    Await.until("a leads again, under a new term, and reconciles", () -> outcomes.contains("a term 2 wrote"));
    assertThat(writer()).isEqualTo("a term 2");
    assertThat(outcomes).doesNotContain("a term 1 wrote");
  }

  private String writer() {
    return server.client().configMaps().inNamespace(namespace).withName("out").get().getData().get("writer");
  }
}
