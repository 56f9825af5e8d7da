package io.pgoperator.runtime.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Config;
import io.pgoperator.runtime.leader.AlwaysLeader;
import io.pgoperator.runtime.leader.LeaderTerm;
import io.pgoperator.runtime.leader.Leadership;
import io.pgoperator.runtime.leader.LeadershipListener;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.faults.Fault;
import io.pgoperator.runtime.testing.faults.FaultProxy;
import io.pgoperator.runtime.testing.faults.RequestClass;
import io.pgoperator.runtime.testing.faults.Selector;
import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import io.pgoperator.runtime.time.VertxClock;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fenced writes on a real API server: every HTTP request is checked against its term, and one
 * still unanswered when its term's deadline passes is abandoned.
 */
@ExtendWith(EnvtestDiagnostics.class)
class KubeCallsEnvtestIT {

  private Vertx vertx;
  private KubernetesClient client;
  private KubeCalls calls;
  private AlwaysLeader leadership;
  private String namespace;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    client = KubeClients.create(vertx, Envtest.get().config());
    leadership = new AlwaysLeader(new VertxClock(vertx));
    calls = new KubeCalls(vertx, client, Envtest.get().config(), Duration.ofSeconds(5), leadership, 1);
    namespace = Envtest.get().createNamespace("kubecalls");
  }

  @AfterEach
  void tearDown() throws Exception {
    calls.close();
    client.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aWriteWhoseTermEndsBeforeItsRequestLeavesIsNotSent() throws Exception {
    LeaderTerm term = leadership.currentTerm();
    Throwable refused = calls.write("create ConfigMap", c -> {
      // The check before the call passed; the term ends before the call's request is sent.
      term.end();
      return c.configMaps().inNamespace(namespace)
          .resource(new ConfigMapBuilder().withNewMetadata().withName("late").endMetadata().build()).create();
    }).transform(result -> io.vertx.core.Future.succeededFuture(result.cause())).await(10, TimeUnit.SECONDS);

    assertThat(refused).as("the write fails").isNotNull();
    assertThat(causes(refused)).anySatisfy(cause -> assertThat(cause).isInstanceOf(FencedWriteException.class)
        .hasMessageContaining("ended before the request left"));
    assertThat(Envtest.get().client().configMaps().inNamespace(namespace).withName("late").get())
        .as("nothing reached the API server").isNull();
  }

  @Test
  void aWriteInsideItsTermIsSentAndReadsNeedNoTerm() throws Exception {
    calls.write("create ConfigMap", c -> c.configMaps().inNamespace(namespace)
        .resource(new ConfigMapBuilder().withNewMetadata().withName("in-term").endMetadata().build()).create())
        .await(10, TimeUnit.SECONDS);
    leadership.currentTerm().end();
    assertThat(calls.read(c -> c.configMaps().inNamespace(namespace).withName("in-term").get())
        .await(10, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void keepingTheWriteConnectionWarmIsARead_itNeedsNoTermWhileWritesStillDo() throws Exception {
    leadership.release();
    assertThat(leadership.currentTerm()).isNull();

    calls.keepWarm().await(10, TimeUnit.SECONDS);

    Throwable refused = calls.write("create ConfigMap", c -> c.configMaps().inNamespace(namespace)
            .resource(new ConfigMapBuilder().withNewMetadata().withName("no-term").endMetadata().build()).create())
        .transform(result -> io.vertx.core.Future.succeededFuture(result.cause())).await(10, TimeUnit.SECONDS);
    assertThat(refused).isInstanceOf(FencedWriteException.class);
  }

  @Test
  void aRequestUnansweredWhenItsTermsDeadlinePassesIsAbandonedNotLeftOnTheWire() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(Envtest.get().config())) {
      Config config = proxy.clientConfig(null);
      KubernetesClient proxied = KubeClients.create(vertx, config);
      VertxClock clock = new VertxClock(vertx);
      // A term that ends in 2 s unless renewed (it will not be); the write timeout is a minute.
      LeaderTerm term = new LeaderTerm(7, clock, clock.nanoTime() + Duration.ofSeconds(2).toNanos());
      KubeCalls bounded = new KubeCalls(vertx, proxied, config, Duration.ofMinutes(1), new TermOnly(term), 1);
      proxy.inject(Selector.classes(RequestClass.WRITE), Fault.blackhole());

      Throwable failed = bounded.write("create ConfigMap", c -> c.configMaps().inNamespace(namespace)
              .resource(new ConfigMapBuilder().withNewMetadata().withName("held").endMetadata().build()).create())
          .transform(result -> io.vertx.core.Future.succeededFuture(result.cause()))
          .await(30, TimeUnit.SECONDS);

      assertThat(failed).as("the held write fails, well before its one-minute write timeout").isNotNull();
      assertThat(term.isValid()).as("it was given up because its term's deadline passed").isFalse();
      Await.until("the proxy sees the client abandon the request", () -> proxy.log().stream()
          .anyMatch(r -> r.requestClass() == RequestClass.WRITE && r.answered() != null));
      assertThat(proxy.log().stream().filter(r -> r.requestClass() == RequestClass.WRITE))
          .as("the write was sent once, held, and never forwarded").singleElement()
          .satisfies(r -> assertThat(r.wasForwarded()).isFalse());
      bounded.close();
      proxied.close();
    }
  }

  /** A replica that leads under one given term. */
  private record TermOnly(LeaderTerm term) implements Leadership {
    @Override
    public LeaderTerm currentTerm() {
      return term;
    }

    @Override
    public void addListener(LeadershipListener listener) {}

    @Override
    public io.vertx.core.Future<Void> release() {
      return io.vertx.core.Future.succeededFuture();
    }

    @Override
    public io.vertx.core.Future<Void> abandon() {
      return release();
    }
  }

  private static java.util.List<Throwable> causes(Throwable error) {
    java.util.List<Throwable> all = new java.util.ArrayList<>();
    for (Throwable t = error; t != null && !all.contains(t); t = t.getCause()) {
      all.add(t);
    }
    return all;
  }
}
