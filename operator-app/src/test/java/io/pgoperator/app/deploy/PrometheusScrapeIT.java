package io.pgoperator.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.PostgresOperator;
import io.pgoperator.runtime.OperatorRuntime;
import io.pgoperator.runtime.RuntimeOptions;
import io.pgoperator.runtime.http.BindAddress;
import io.pgoperator.runtime.leader.LeaderElectionConfig;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.EnvtestBinaries;
import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import io.pgoperator.runtime.testing.PrometheusBinaries;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real Prometheus (built by envtest/build.sh, found by {@link PrometheusBinaries}) scrapes a running
 * operator and loads the shipped alert rules; the test reads the results through Prometheus's
 * HTTP API, as a dashboard would.
 */
@ExtendWith(EnvtestDiagnostics.class)
class PrometheusScrapeIT {

  private final HttpClient http = HttpClient.newHttpClient();
  private final KubernetesSerialization json = new KubernetesSerialization();
  private OperatorRuntime runtime;
  private Process prometheus;

  @AfterEach
  void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      prometheus.waitFor(20, TimeUnit.SECONDS);
    }
    if (runtime != null) {
      runtime.stop().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void scrapesTheOperatorAndLoadsTheAlertRules() throws Exception {
    Path prometheusBinary = PrometheusBinaries.prometheus();
    Envtest envtest = Envtest.get();
    envtest.installCrds(List.of(EnvtestBinaries.repositoryRoot().resolve("deploy/crd/postgresclusters.postgres.example.com-v1.yml")));
    String namespace = envtest.createNamespace("prometheus");
    runtime = OperatorRuntime.start(new RuntimeOptions(BindAddress.parse("127.0.0.1:0"), BindAddress.parse("127.0.0.1:0"),
            Optional.of(LeaderElectionConfig.of(namespace, "pg-operator.postgres.example.com")), List.of(namespace), 1,
            Duration.ZERO, Duration.ofSeconds(10)), envtest.config(), PostgresOperator::controllers)
        .await(60, TimeUnit.SECONDS);
    try (InputStream in = Files.newInputStream(EnvtestBinaries.repositoryRoot().resolve("deploy/samples/postgrescluster-minimal.yaml"))) {
      PostgresCluster cluster = json.unmarshal(in, PostgresCluster.class);
      cluster.getMetadata().setNamespace(namespace);
      envtest.client().resource(cluster).create();
    }

    int port = freePort();
    Path dir = Files.createDirectories(Path.of("target", "prometheus-it"));
    Path rules = EnvtestBinaries.repositoryRoot().resolve("deploy/components/prometheus/alerts.rules.yml");
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
          - %s
        scrape_configs:
          - job_name: pg-operator-metrics
            static_configs:
              - targets: ['127.0.0.1:%d']
        """.formatted(rules.toAbsolutePath(), runtime.metricsPort()));
    prometheus = new ProcessBuilder(prometheusBinary.toString(), "--config.file=" + config.toAbsolutePath(),
        "--storage.tsdb.path=" + Files.createTempDirectory(dir, "tsdb").toAbsolutePath(),
        "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    String api = "http://127.0.0.1:" + port + "/api/v1/";

    Await.until("Prometheus scraped the operator: up == 1",
        () -> "1".equals(value(api, "up{job=\"pg-operator-metrics\"}")));
    // Success with a later look booked (the server certificate's renewal) counts as requeue_after.
    Await.until("Prometheus has the reconcile counter with a successful reconcile",
        () -> number(value(api, "sum(controller_runtime_reconcile_total{controller=\"postgrescluster\","
            + "result=~\"success|requeue_after\"})")) >= 1);
    assertThat(value(api, "leader_election_master_status{name=\"pg-operator.postgres.example.com\"}")).isEqualTo("1");
    assertThat(number(value(api, "count(workqueue_depth{name=\"postgrescluster\"})"))).isEqualTo(1);

    Map<?, ?> loaded = json.unmarshal(get(api + "rules"), Map.class);
    assertThat(loaded.get("status")).isEqualTo("success");
    assertThat(loaded.toString()).contains("PgOperatorNoLeader");
  }

  /** The single value of an instant query, or null while it has no result. */
  private String value(String api, String query) {
    try {
      Map<?, ?> answer = json.unmarshal(get(api + "query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)), Map.class);
      List<?> result = (List<?>) ((Map<?, ?>) answer.get("data")).get("result");
      return result.isEmpty() ? null : String.valueOf(((List<?>) ((Map<?, ?>) result.get(0)).get("value")).get(1));
    } catch (IOException | InterruptedException | RuntimeException e) {
      return null; // Prometheus not up yet
    }
  }

  private static double number(String value) {
    return value == null ? Double.NaN : Double.parseDouble(value);
  }

  private String get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
