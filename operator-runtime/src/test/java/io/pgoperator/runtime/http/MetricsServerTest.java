package io.pgoperator.runtime.http;

import static io.pgoperator.runtime.http.TestHttp.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.runtime.metrics.MetricsSetup;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

  private final MetricsSetup metrics = new MetricsSetup();
  private Vertx vertx;
  private MetricsServer server;
  private TestHttp http;

  @BeforeEach
  void start() {
    vertx = metrics.vertxBuilder(new VertxOptions()).build();
    server = new MetricsServer(BindAddress.parse("127.0.0.1:0"), metrics.registry());
    await(vertx.deployVerticle(server));
    http = new TestHttp(vertx, server.actualPort());
  }

  @AfterEach
  void stop() {
    await(vertx.close());
    metrics.close();
  }

  @Test
  void servesThePrometheusTextFormatIncludingItsOwnRequests() {
    http.get("/metrics");

    TestHttp.Reply reply = http.get("/metrics");

    assertThat(server.actualPort()).isPositive();
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    assertThat(reply.body())
        .contains("# TYPE jvm_memory_used_bytes gauge")
        .contains("vertx_http_server_requests_total{");
  }

  @Test
  void servesOpenMetricsWhenTheScraperAsksForIt() {
    TestHttp.Reply reply = http.send(HttpMethod.GET, "/metrics",
        "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("Content-Type")).startsWith("application/openmetrics-text");
    assertThat(reply.body()).endsWith("# EOF\n");
  }

  @Test
  void answersWhileEveryVertxWorkerIsBusy() {
    CountDownLatch release = new CountDownLatch(1);
    int workers = VertxOptions.DEFAULT_WORKER_POOL_SIZE;
    CountDownLatch busy = new CountDownLatch(workers);
    for (int i = 0; i < workers; i++) {
      vertx.executeBlocking(() -> {
        busy.countDown();
        return release.await(1, TimeUnit.MINUTES);
      }, false);
    }
    try {
      assertThat(busy.await(30, TimeUnit.SECONDS)).as("every worker is taken").isTrue();

      TestHttp.Reply reply = http.get("/metrics");

      assertThat(reply.status()).as("the scrape runs on a thread of its own").isEqualTo(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      release.countDown();
    }
  }

  @Test
  void onlyServesMetrics() {
    assertThat(http.get("/healthz").status()).isEqualTo(404);
    assertThat(http.send(HttpMethod.POST, "/metrics", null).status()).isEqualTo(405);
  }
}
