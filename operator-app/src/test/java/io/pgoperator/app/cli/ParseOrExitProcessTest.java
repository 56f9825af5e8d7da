package io.pgoperator.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real process contract: streams and exit codes of {@code parseOrExit} in a child JVM. */
class ParseOrExitProcessTest {

  private record Exit(int code, String out, String err) {}

  private static Exit runProbe(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        ParseOrExitProbe.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith(Flag.ENV_PREFIX));
    Process process = builder.start();
    process.getOutputStream().close();
    // Outputs are tiny, so reading one stream after the other cannot fill a pipe.
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("probe JVM finished").isTrue();
    return new Exit(process.exitValue(), out, err);
  }

  @Test
  void badFlagExitsTwoWithExactlyTwoLinesOnStderr() throws Exception {
    Exit exit = runProbe("--lease-duration=abc");
    assertThat(exit.code()).isEqualTo(2);
    assertThat(exit.out()).isEmpty();
    assertThat(exit.err()).isEqualTo("error: invalid value for --lease-duration: \"abc\" (want a Go"
        + " duration such as 15s, 1m30s, 500ms)\nRun 'java -jar operator.jar --help' for usage.\n");
  }

  @Test
  void contradictoryShardingFlagsExitTwoWithOneErrorLine() throws Exception {
    Exit exit = runProbe("--shards=4", "--leader-elect=false");
    assertThat(exit.code()).isEqualTo(2);
    assertThat(exit.out()).isEmpty();
    assertThat(exit.err()).isEqualTo("error: --leader-elect=false cannot be used with --shards: the replicas share"
        + " the slots through Leases\nRun 'java -jar operator.jar --help' for usage.\n");
  }

  @Test
  void shardsRunWithLeaderElection() throws Exception {
    Exit exit = runProbe("--shards=16");
    assertThat(exit.code()).isZero();
    assertThat(exit.out()).startsWith("RUN leader-elect=true ").contains("shards=16", "shard-drain-timeout=10s");
  }

  @Test
  void versionExitsZeroOnStdout() throws Exception {
    Exit exit = runProbe("--version");
    assertThat(exit.code()).isZero();
    assertThat(exit.err()).isEmpty();
    assertThat(exit.out()).isEqualTo("pg-operator " + OperatorCommandLine.version() + "\n");
  }

  @Test
  void goodFlagsReturnOptionsWithoutExiting() throws Exception {
    Exit exit = runProbe("--leader-elect", "--metrics-bind-address=0");
    assertThat(exit.code()).isZero();
    assertThat(exit.out()).startsWith("RUN leader-elect=true ").contains("metrics-bind-address=0");
  }
}
