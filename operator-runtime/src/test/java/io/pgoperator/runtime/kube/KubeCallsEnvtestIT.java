package io.pgoperator.runtime.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.runtime.leader.AlwaysLeader;
import io.pgoperator.runtime.leader.LeaderTerm;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import io.pgoperator.runtime.time.VertxClock;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Fenced writes on a real API server: every HTTP request is checked against its term. */
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

  private static java.util.List<Throwable> causes(Throwable error) {
    java.util.List<Throwable> all = new java.util.ArrayList<>();
    for (Throwable t = error; t != null && !all.contains(t); t = t.getCause()) {
      all.add(t);
    }
    return all;
  }
}
