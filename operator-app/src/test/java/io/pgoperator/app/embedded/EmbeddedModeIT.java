package io.pgoperator.app.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.app.docs.Shell;
import io.pgoperator.app.docs.ShellCommands;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The newcomer's first run, as a user starts it: {@code java -jar operator.jar --embedded} from
 * the built fat jar. It starts, says what it runs (three replicas electing a leader), reconciles
 * the samples, reports ready and serves metrics, answers the commands README.md suggests with the
 * output README.md shows, hands leadership over when the leader is stopped from the keyboard, and
 * stops cleanly on SIGTERM; its first screen holds no warning.
 */
class EmbeddedModeIT {

  private static final Pattern READINESS = Pattern.compile("curl -s 'http://localhost:(\\d+)/readyz\\?verbose'");
  private static final Pattern METRICS = Pattern.compile("curl -s http://localhost:(\\d+)/metrics");
  private static final Pattern KUBECONFIG = Pattern.compile("kubectl --kubeconfig (\\S+) get pgc");
  private static final Pattern REPLICA_METRICS = Pattern.compile("replica-\\d: \\w+ +probes :\\d+ +metrics :(\\d+)");

  private final HttpClient http = HttpClient.newHttpClient();
  private Process process;
  private Path out;
  private Path err;

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
        .redirectError((err = dir.resolve("stderr.log")).toFile())
        .start();

    String banner = Await.value("the banner", this::stdout, text -> text.contains("Press Ctrl-C to stop."));
    assertThat(banner).contains("Samples applied:", "PostgresCluster default/demo", "PostgresCluster default/orders",
        "replica-1", "replica-2", "replica-3");
    List<String> firstScreen = read(err).lines().toList();
    int probePort = port(READINESS, banner);
    int metricsPort = port(METRICS, banner);

    HttpResponse<String> ready = get("http://127.0.0.1:" + probePort + "/readyz?verbose");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("[+]informer-postgresclusters-postgres-example-com ok", "check passed");

    List<Integer> replicaMetrics = REPLICA_METRICS.matcher(banner).results()
        .map(m -> Integer.parseInt(m.group(1))).toList();
    assertThat(replicaMetrics).hasSize(3).contains(metricsPort);
    Await.until("both samples reconciled by the leader (controller_runtime_reconcile_total, result success or"
            + " requeue_after: a successful reconcile that booked the certificate's renewal)",
        () -> replicaMetrics.stream().mapToDouble(this::successfulReconciles).sum() >= 2);
    assertThat(read(err).lines().findFirst()).get().asString()
        .contains("starting pg-operator", "in embedded mode (3 replicas", "leader-elect=true", "identity=replica-1..3");

    readmeCommandsGiveWhatReadmeShows(probePort, metricsPort, banner);

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
    // The first screen only: later, fabric8's mock server (the demo API server) can stall for a
    // while when a stopping replica closes a watch with an event in flight, which it then reports.
    assertThat(warnings(firstScreen)).as("warnings and errors until the banner (%s)", err).isEmpty();
    List<String> log = read(err).lines().toList();
    List<String> shutdown = log.subList(IntStream.range(0, log.size())
        .filter(i -> log.get(i).contains("SIGTERM received")).findFirst().orElseThrow(), log.size());
    assertThat(shutdown).as("the Lease goes with the demo server").noneMatch(l -> l.contains("released lease"))
        .anyMatch(l -> l.contains("abandoning leadership"));
  }

  private static List<String> warnings(List<String> lines) {
    return lines.stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList();
  }

  /**
   * README.md's "Then try" commands, as written there but for the ports and kubeconfig this run
   * printed; the kubectl table is the one README.md shows below them.
   */
  private void readmeCommandsGiveWhatReadmeShows(int probePort, int metricsPort, String banner) {
    List<ShellCommands.Block> blocks = ShellCommands.blocks(EnvtestBinaries.repositoryRoot().resolve("README.md"));
    int tryBlock = IntStream.range(0, blocks.size())
        .filter(i -> blocks.get(i).isShell() && String.join("\n", blocks.get(i).lines()).contains("<printed file>"))
        .findFirst().orElseThrow(() -> new AssertionError("README.md has no block with `--kubeconfig <printed file>`"));
    List<String> shownTable = blocks.get(tryBlock + 1).lines().stream().map(EmbeddedModeIT::columns).toList();
    Matcher kubeconfig = KUBECONFIG.matcher(banner);
    assertThat(kubeconfig.find()).as("the banner's kubectl line").isTrue();
    Shell shell = new Shell(Path.of(kubeconfig.group(1)));

    List<ShellCommands.Documented> commands = blocks.get(tryBlock).commands();
    assertThat(commands).hasSize(3);
    List<String> outputs = new ArrayList<>();
    for (ShellCommands.Documented command : commands) {
      String text = command.text().replace("localhost:8081", "localhost:" + probePort)
          .replace("localhost:8080", "localhost:" + metricsPort)
          .replace("<printed file>", kubeconfig.group(1));
      Shell.Result result = shell.run(text, Duration.ofSeconds(60));
      assertThat(result.exitCode()).as(result.describe()).isZero();
      outputs.add(result.stdout());
    }
    assertThat(outputs.get(0)).contains("[+]informer-postgresclusters-postgres-example-com ok", "check passed");
    assertThat(outputs.get(1)).contains("controller_runtime_reconcile_total{");
    // The demo API server lists in no fixed order: the header, then the README's rows in any order.
    List<String> table = outputs.get(2).lines().map(EmbeddedModeIT::columns).toList();
    assertThat(table).first().isEqualTo(shownTable.get(0));
    assertThat(table.subList(1, table.size())).containsExactlyInAnyOrderElementsOf(shownTable.subList(1, shownTable.size()));
  }

  private static String columns(String line) {
    return line.strip().replaceAll("\\s+", " ");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  private double successfulReconciles(int metricsPort) {
    try {
      return get("http://127.0.0.1:" + metricsPort + "/metrics").body().lines()
          .filter(l -> l.startsWith("controller_runtime_reconcile_total{")
              && (l.contains("result=\"success\"") || l.contains("result=\"requeue_after\"")))
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
    return read(out);
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
