package io.pgoperator.app.sizing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One operator JVM of the fat jar, started as the Deployment starts it (leader election on,
 * JSON logs, its identity from HOSTNAME), watching one namespace, with probe and metrics ports on
 * loopback. Reads its memory, threads and CPU from {@code /proc/<pid>} and its meters from
 * {@code /metrics}.
 */
final class OperatorProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(1))
      .build();
  /** Linux reports /proc/<pid>/stat times in USER_HZ, 100 on every mainstream architecture. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final Process process;
  private final JvmRuntime runtime;
  private final Path log;
  private final int probePort;
  private final int metricsPort;

  private OperatorProcess(Process process, JvmRuntime runtime, Path log, int probePort, int metricsPort) {
    this.process = process;
    this.runtime = runtime;
    this.log = log;
    this.probePort = probePort;
    this.metricsPort = metricsPort;
  }

  /** @param identity this replica's identity in the Lease (its HOSTNAME, as in a pod) */
  static OperatorProcess start(JvmRuntime runtime, Path jar, Path kubeconfig, String namespace, List<String> jvmFlags,
      Map<String, String> env, String identity, Path log) {
    int probePort = freePort();
    int metricsPort = freePort();
    List<String> command = new ArrayList<>();
    command.add(runtime.tool("java").toString());
    command.addAll(jvmFlags);
    command.addAll(List.of("-jar", jar.toString(),
        "--leader-elect",
        "--leader-election-namespace=" + namespace,
        "--watch-namespace=" + namespace,
        "--kubeconfig=" + kubeconfig,
        "--health-probe-bind-address=127.0.0.1:" + probePort,
        "--metrics-bind-address=127.0.0.1:" + metricsPort,
        "--log-format=json"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().remove("KUBECONFIG");
    builder.environment().putAll(env);
    builder.environment().put("HOSTNAME", identity);
    try {
      return new OperatorProcess(builder.start(), runtime, log, probePort, metricsPort);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the operator: " + command, e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** Fails, naming the log, when the JVM has exited (e.g. ExitOnOutOfMemoryError). */
  void requireAlive(String during) {
    if (!process.isAlive()) {
      throw new AssertionError("the operator (pid " + pid() + ") exited with " + process.exitValue() + " during "
          + during + "; its log: " + log.toAbsolutePath() + "\n" + tail(40));
    }
  }

  /** user + system CPU time so far, from /proc/<pid>/stat. */
  Duration cpuTime() {
    String stat = read(Paths.get("/proc", Long.toString(pid()), "stat"));
    // Fields after "(comm) " start at field 3 (state); utime and stime are fields 14 and 15.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return Duration.ofMillis(Math.round(ticks * 1000 / TICKS_PER_SECOND));
  }

  /** A value in kB from /proc/<pid>/status, e.g. {@code VmRSS}, {@code VmHWM}, {@code RssAnon}; in bytes. */
  long statusBytes(String field) {
    return status(field) * 1024;
  }

  /** Every thread of the process, the JVM's own included (the JVM's meter counts Java threads only). */
  int threads() {
    return (int) status("Threads");
  }

  private long status(String field) {
    for (String line : read(Paths.get("/proc", Long.toString(pid()), "status")).split("\n")) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
      }
    }
    throw new IllegalStateException("no " + field + " in /proc/" + pid() + "/status");
  }

  int readyz() {
    try {
      return HTTP.send(get(probePort, "/readyz"), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  PrometheusText metrics() {
    try {
      HttpResponse<String> response = HTTP.send(get(metricsPort, "/metrics"), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("/metrics of pid " + pid() + " answered " + response.statusCode());
      }
      return new PrometheusText(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("/metrics of pid " + pid() + " does not answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading /metrics", e);
    }
  }

  /** Runs {@code jcmd <pid> <command...>} and returns its output; empty when the JDK has no jcmd. */
  String jcmd(String... command) {
    Path jcmd = runtime.tool("jcmd");
    if (!Files.isExecutable(jcmd)) {
      return "";
    }
    List<String> args = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid())));
    args.addAll(List.of(command));
    try {
      Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", args) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + args, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + args, e);
    }
  }

  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within 30 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + " (has the operator exited?)", e);
    }
  }

  private static HttpRequest get(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).GET().build();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
