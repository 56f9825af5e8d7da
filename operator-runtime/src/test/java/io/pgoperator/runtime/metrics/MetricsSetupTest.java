package io.pgoperator.runtime.metrics;

import static io.pgoperator.runtime.http.TestHttp.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.runtime.testing.PrometheusBinaries;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsSetupTest {

  private final MetricsSetup metrics = new MetricsSetup();
  private Vertx vertx;

  @AfterEach
  void close() {
    if (vertx != null) {
      await(vertx.close());
    }
    metrics.close();
  }

  @Test
  void vertxBuiltFromTheSetupReportsHttpAndJvmMetricsInTheSameRegistry() {
    vertx = metrics.vertxBuilder(new VertxOptions()).build();
    serveOneRequest();

    String scrape = metrics.scrape();

    assertThat(scrape)
        .contains("vertx_http_server_requests_total{")
        .contains("vertx_http_client_requests_total{")
        .contains("jvm_memory_used_bytes{")
        .contains("jvm_gc_")
        .contains("process_uptime_seconds");
  }

  @Test
  void vertxCreatedFromTheOptionsAloneAlsoLandsInTheRegistry() {
    vertx = Vertx.vertx(metrics.applyTo(new VertxOptions()));
    serveOneRequest();

    assertThat(metrics.scrape()).contains("vertx_http_server_requests_total{");
  }

  @Test
  void scrapePassesPromtoolCheckMetrics() throws Exception {
    vertx = metrics.vertxBuilder(new VertxOptions()).build();
    serveOneRequest();
    await(vertx.executeBlocking(() -> "worker pool metrics too"));

    String scrape = metrics.scrape();
    Files.writeString(Path.of("target", "metrics-scrape.txt"), scrape);
    PromtoolResult result = promtoolCheckMetrics(scrape);

    assertThat(result.output()).as("promtool check metrics output").isEmpty();
    assertThat(result.exitCode()).isZero();
  }

  private void serveOneRequest() {
    int port = await(vertx.createHttpServer()
        .requestHandler(request -> request.response().end("hello"))
        .listen(0, "127.0.0.1")).actualPort();
    // Through a Vert.x client: its metrics are part of what the test checks.
    io.vertx.core.http.HttpClient client = vertx.createHttpClient(
        new io.vertx.core.http.HttpClientOptions().setKeepAlive(false));
    assertThat(await(client.request(io.vertx.core.http.HttpMethod.GET, port, "127.0.0.1", "/hello")
        .compose(request -> request.send())
        .compose(response -> response.body())).toString()).isEqualTo("hello");
  }

  record PromtoolResult(int exitCode, String output) {}

  static PromtoolResult promtoolCheckMetrics(String exposition)
      throws IOException, InterruptedException {
    Process process = new ProcessBuilder(PrometheusBinaries.promtool().toString(), "check", "metrics")
        .redirectErrorStream(true)
        .start();
    try (var stdin = process.getOutputStream()) {
      stdin.write(exposition.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("promtool check metrics did not finish");
    }
    return new PromtoolResult(process.exitValue(), output.strip());
  }

}
