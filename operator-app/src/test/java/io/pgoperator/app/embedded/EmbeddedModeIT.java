package io.pgoperator.app.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.EnvtestBinaries;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The newcomer's first run, as a user starts it: {@code java -jar operator.jar --embedded} from
 * the built fat jar. It starts, reconciles the samples, reports ready and serves metrics, hands
 * leadership over when the leader is stopped from the keyboard, and stops cleanly on SIGTERM.
 */
class EmbeddedModeIT {

  private static final Pattern READINESS = Pattern.compile("curl -s 'http://localhost:(\\d+)/readyz\\?verbose'");
  private static final Pattern METRICS = Pattern.compile("curl -s http://localhost:(\\d+)/metrics");
  private static final Pattern REPLICA_METRICS = Pattern.compile("replica-\\d: \\w+ +probes :\\d+ +metrics :(\\d+)");

  private final HttpClient http = HttpClient.newHttpClient();
  private Process process;
  private Path out;

  @AfterEach
  void killLeftovers() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  @Test
  void startsReconcilesTheSamplesHandsOverLeadershipAndStopsOnSigterm() throws Exception {
    Path jar = EnvtestBinaries.repositoryRoot().resolve("operator-app/target/operator.jar");
    assertThat(jar).as("the fat jar (mvn package builds it before integration tests)").exists();
    Path dir = Files.createDirectories(Path.of("target", "embedded-it"));
    out = dir.resolve("stdout.log");
    process = new ProcessBuilder(javaBinary(), "-Xmx256m", "-jar", jar.toString(), "--embedded",
        "--health-probe-bind-address=127.0.0.1:0", "--metrics-bind-address=127.0.0.1:0")
        .redirectOutput(out.toFile())
        .redirectError(dir.resolve("stderr.log").toFile())
        .start();

    String banner = Await.value("the banner", this::stdout, text -> text.contains("Press Ctrl-C to stop."));
    assertThat(banner).contains("Samples applied:", "PostgresCluster default/demo", "PostgresCluster default/orders",
        "replica-1", "replica-2", "replica-3");
    int probePort = port(READINESS, banner);
    int metricsPort = port(METRICS, banner);

    HttpResponse<String> ready = get("http://127.0.0.1:" + probePort + "/readyz?verbose");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("[+]informer-postgresclusters-postgres-example-com ok", "check passed");

    java.util.List<Integer> replicaMetrics = REPLICA_METRICS.matcher(banner).results()
        .map(m -> Integer.parseInt(m.group(1))).toList();
    assertThat(replicaMetrics).hasSize(3).contains(metricsPort);
    Await.until("both samples reconciled by the leader (controller_runtime_reconcile_total, result success)",
        () -> replicaMetrics.stream().mapToDouble(this::successfulReconciles).sum() >= 2);

    try (Writer keyboard = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
      keyboard.write("s\n");
      keyboard.flush();
      Await.until("another replica takes over after the leader is stopped",
          () -> stdout().lines().filter(l -> l.matches(">> replica-\\d is now the leader.*")).count() >= 2);
      assertThat(stdout()).contains("stopped leading");

      process.destroy(); // SIGTERM
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits within the shutdown bound").isTrue();
      assertThat(process.exitValue()).isZero();
    }
  }

  private double successfulReconciles(int metricsPort) {
    try {
      return get("http://127.0.0.1:" + metricsPort + "/metrics").body().lines()
          .filter(l -> l.startsWith("controller_runtime_reconcile_total{") && l.contains("result=\"success\""))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    } catch (Exception e) {
      return 0;
    }
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String stdout() {
    try {
      return Files.readString(out);
    } catch (IOException e) {
      return "";
    }
  }

  private static int port(Pattern pattern, String banner) {
    Matcher matcher = pattern.matcher(banner);
    assertThat(matcher.find()).as("banner line " + pattern).isTrue();
    return Integer.parseInt(matcher.group(1));
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
