package io.pgoperator.app.failover;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One operator JVM: its identity (also its Lease {@code holderIdentity}), probe and metrics ports
 * on loopback, its log, and the signals a test sends it. Its fabric8 client announces itself with
 * the user agent {@code <identity>/failover}, so the API server's managedFields (and audit log)
 * name the replica that wrote.
 */
final class Replica {


  private final String identity;
  private final Process process;
  private final ReplicaLog log;
  private final int probePort;
  private final int metricsPort;
  private final Instant startedAt;

  private Replica(String identity, Process process, ReplicaLog log, int probePort, int metricsPort, Instant startedAt) {
    this.identity = identity;
    this.process = process;
    this.log = log;
    this.probePort = probePort;
    this.metricsPort = metricsPort;
    this.startedAt = startedAt;
  }

  /** Starts the JVM and returns at once; see {@link OperatorProcesses#awaitReady}. */
  static Replica launch(String identity, Path jar, Path kubeconfig, String namespace, List<String> flags, Path logFile,
      Map<String, String> env) {
    int probePort = LocalJvm.freePort();
    int metricsPort = LocalJvm.freePort();
    Instant now = Instant.now();
    Process process = OperatorJar.start(jar, identity, "failover", kubeconfig, namespace, probePort, metricsPort, flags,
        logFile, env);
    return new Replica(identity, process, new ReplicaLog(logFile), probePort, metricsPort, now);
  }

  String identity() {
    return identity;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  ReplicaLog log() {
    return log;
  }

  Instant startedAt() {
    return startedAt;
  }

  /** CPU time the JVM has used so far (user + system). */
  Duration cpuTime() {
    return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  // ---- signals ----

  /** SIGKILL: no shutdown hook, no release; the Lease must expire. */
  void kill() {
    process.destroyForcibly();
  }

  /** SIGTERM: the operator drains, releases the Lease and exits 0. */
  void terminate() {
    process.destroy();
  }

  /** SIGSTOP: frozen, sockets open, timers not firing; the monotonic clock keeps running. */
  void pause() {
    LocalJvm.signal(process, "STOP", identity);
  }

  /** SIGCONT. */
  void resume() {
    LocalJvm.signal(process, "CONT", identity);
  }

  /** The exit code, once the process has exited within {@code deadline}. */
  int awaitExit(Duration deadline) {
    try {
      if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(identity + " (pid " + pid() + ") still runs " + deadline + " after it was asked to stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + identity + " to exit", e);
    }
    return process.exitValue();
  }

  boolean waitForExit(Duration deadline) {
    return LocalJvm.waitForExit(process, deadline);
  }

  // ---- probes and metrics ----

  /** The HTTP status of /readyz, or -1 when nothing answers (not started yet, stopped, dead). */
  int readyz() {
    return LocalJvm.status(probePort, "/readyz");
  }

  /** {@code leader_election_master_status{name=<lease>}}, or empty when /metrics does not answer. */
  OptionalDouble masterStatus(String lease) {
    return sample("leader_election_master_status", "name", lease);
  }

  /**
   * The value of the first sample of {@code family} whose label {@code label} is {@code value}, or
   * empty when /metrics does not answer or has no such sample.
   */
  OptionalDouble sample(String family, String label, String value) {
    String text = LocalJvm.get(metricsPort, "/metrics");
    if (text == null) {
      return OptionalDouble.empty();
    }
    Pattern line = Pattern.compile("^" + Pattern.quote(family) + "\\{[^}]*" + Pattern.quote(label) + "=\""
        + Pattern.quote(value) + "\"[^}]*\\}\\s+(\\S+)", Pattern.MULTILINE);
    Matcher m = line.matcher(text);
    return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
  }

  boolean reportsLeading(String lease) {
    OptionalDouble status = masterStatus(lease);
    return status.isPresent() && status.getAsDouble() == 1.0;
  }

  boolean reportsStandby(String lease) {
    OptionalDouble status = masterStatus(lease);
    return status.isPresent() && status.getAsDouble() == 0.0;
  }

  String metrics() {
    String text = LocalJvm.get(metricsPort, "/metrics");
    return text == null ? "" : text;
  }




  @Override
  public String toString() {
    return identity + " (pid " + process.pid() + (process.isAlive() ? "" : ", exited") + ")";
  }
}
