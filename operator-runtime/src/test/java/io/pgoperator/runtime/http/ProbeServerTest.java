package io.pgoperator.runtime.http;

import static io.pgoperator.runtime.http.TestHttp.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pgoperator.runtime.health.HealthCheck;
import io.pgoperator.runtime.health.HealthChecks;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ProbeServerTest {

  private static final BindAddress ANY_PORT = BindAddress.parse("127.0.0.1:0");

  private final HealthChecks healthz = new HealthChecks();
  private final HealthChecks readyz = new HealthChecks();

  @Test
  void servesLivenessAndReadinessFromTheirOwnRegistries(Vertx vertx) {
    AtomicBoolean synced = new AtomicBoolean(false);
    readyz.add("informer-sync", HealthCheck.of(synced::get, "caches not synced"));
    ProbeServer server = new ProbeServer(ANY_PORT, healthz, readyz);
    await(vertx.deployVerticle(server));
    TestHttp http = new TestHttp(vertx, server.actualPort());

    assertThat(http.get("/healthz").status()).isEqualTo(200);
    assertThat(http.get("/readyz").status()).isEqualTo(503);
    assertThat(http.get("/readyz/ping").status()).isEqualTo(200);
    assertThat(http.get("/healthz/informer-sync").status()).isEqualTo(404);
    synced.set(true);
    assertThat(http.get("/readyz").body()).isEqualTo("ok");
    assertThat(http.get("/metrics").status()).isEqualTo(404);
  }

  @Test
  void canAlsoServeMetricsWhenBothAddressesAreTheSame(Vertx vertx) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.counter("reconciles").increment();
    ProbeServer server = new ProbeServer(ANY_PORT, healthz, readyz).withMetrics(registry);
    await(vertx.deployVerticle(server));
    TestHttp http = new TestHttp(vertx, server.actualPort());

    TestHttp.Reply metrics = http.get("/metrics");

    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body()).contains("reconciles_total 1.0");
    assertThat(http.get("/healthz").status()).isEqualTo(200);
  }

  @Test
  void disabledAddressStartsNoServer(Vertx vertx) {
    ProbeServer server = new ProbeServer(BindAddress.parse("0"), healthz, readyz);

    await(vertx.deployVerticle(server));

    assertThat(server.actualPort()).isEqualTo(-1);
  }

  @Test
  void portAlreadyInUseFailsTheDeploymentNamingTheAddress(Vertx vertx) {
    int taken = await(vertx.createHttpServer().requestHandler(r -> r.response().end())
        .listen(0, "127.0.0.1")).actualPort();
    BindAddress address = BindAddress.parse("127.0.0.1:" + taken);

    Throwable failure = vertx.deployVerticle(new ProbeServer(address, healthz, readyz))
        .toCompletionStage().toCompletableFuture().handle((ok, e) -> e).join();

    assertThat(failure).hasMessageContaining("cannot serve health probes on 127.0.0.1:" + taken);
  }
}
