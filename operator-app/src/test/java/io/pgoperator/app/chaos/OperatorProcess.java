package io.pgoperator.app.chaos;

import io.pgoperator.app.failover.LocalJvm;
import io.pgoperator.app.failover.OperatorJar;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One incarnation of an operator JVM (the fat jar) with its own kubeconfig file: identity (its
 * Lease {@code holderIdentity}), probe and metrics ports on loopback, its log, the signals the
 * benchmark sends it, and what the benchmark knows about it (signalled, stopped). Its fabric8
 * client announces itself as {@code <identity>/chaos}. Started like the failover package's
 * {@code Replica} ({@link OperatorJar#start}), with a kubeconfig of its own and an incarnation count.
 */
final class OperatorProcess {

  private static final Pattern RECONCILE_TOTAL = Pattern.compile(
      "^controller_runtime_reconcile_total\\{[^}]*\\}\\s+(\\S+)", Pattern.MULTILINE);

  private final String identity;
  private final int incarnation;
  private final Process process;
  private final Path log;
  private final int probePort;
  private final int metricsPort;
  private final Instant startedAt;

  /** The signal the benchmark sent to end it (SIGKILL, SIGTERM), null if none: an exit without one is on its own. */
  private volatile String signalled;
  /** Between SIGSTOP and SIGCONT. */
  private volatile boolean stopped;
  /** The last {@code controller_runtime_reconcile_total} scraped (sum over labels), -1 before any. */
  private volatile double reconcileTotal = -1;
  private volatile Instant lastScrape;
  /** Since when /healthz has failed without a pause (null: it answered 200 last time). */
  private volatile Instant healthzFailingSince;
  private volatile Duration longestHealthzFailure = Duration.ZERO;

  private OperatorProcess(String identity, int incarnation, Process process, Path log, int probePort, int metricsPort,
      Instant startedAt) {
    this.identity = identity;
    this.incarnation = incarnation;
    this.process = process;
    this.log = log;
    this.probePort = probePort;
    this.metricsPort = metricsPort;
    this.startedAt = startedAt;
  }

  static OperatorProcess launch(String identity, int incarnation, Path jar, Path kubeconfig, String namespace,
      List<String> flags, Path logFile) {
    int probePort = LocalJvm.freePort();
    int metricsPort = LocalJvm.freePort();
    Instant now = Instant.now();
    Process process = OperatorJar.start(jar, identity, "chaos", kubeconfig, namespace, probePort, metricsPort, flags,
        logFile);
    return new OperatorProcess(identity, incarnation, process, logFile, probePort, metricsPort, now);
  }

  String identity() {
    return identity;
  }

  int incarnation() {
    return incarnation;
  }

  long pid() {
    return process.pid();
  }

  Process process() {
    return process;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  Instant startedAt() {
    return startedAt;
  }

  String signalled() {
    return signalled;
  }

  boolean isStopped() {
    return stopped;
  }

  /**
   * Alive, not frozen by SIGSTOP, and not on its way out after a SIGKILL or SIGTERM from the
   * benchmark (a killed JVM stays alive for some milliseconds; a terminated one drains).
   */
  boolean isRunning() {
    return process.isAlive() && !stopped && signalled == null;
  }

  // ---- signals ----

  /** SIGKILL: no shutdown hook, no release; the Lease must expire. */
  void kill() {
    signalled = signalled == null ? "SIGKILL" : signalled;
    process.destroyForcibly();
  }

  /** SIGTERM: the operator drains, releases the Lease and exits 0. */
  void terminate() {
    signalled = "SIGTERM";
    process.destroy();
  }

  /** SIGSTOP: frozen, sockets open, timers not firing. */
  void pause() {
    stopped = true;
    LocalJvm.signal(process, "STOP", identity);
  }

  /** SIGCONT. */
  void resume() {
    LocalJvm.signal(process, "CONT", identity);
    stopped = false;
  }

  boolean waitForExit(Duration deadline) {
    return LocalJvm.waitForExit(process, deadline);
  }

  /** The exit code; -1 while it runs. */
  int exitCode() {
    return process.isAlive() ? -1 : process.exitValue();
  }

  // ---- probes and metrics ----

  /** The HTTP status of /readyz, or -1 when nothing answers. */
  int readyz() {
    return LocalJvm.status(probePort, "/readyz");
  }

  int healthz() {
    return LocalJvm.status(probePort, "/healthz");
  }

  /**
   * Scrapes /metrics (the reconcile counter) and /healthz once; skipped while stopped or dead.
   * A counter read is kept per incarnation: a restarted process starts from 0 again.
   */
  void scrape() {
    if (!isRunning()) {
      return;
    }
    String text = LocalJvm.get(metricsPort, "/metrics");
    if (text != null) {
      Matcher m = RECONCILE_TOTAL.matcher(text);
      double sum = 0;
      boolean any = false;
      while (m.find()) {
        sum += Double.parseDouble(m.group(1));
        any = true;
      }
      if (any || reconcileTotal < 0) {
        reconcileTotal = sum;
        lastScrape = Instant.now();
      }
    }
    if (!isRunning()) {
      return;
    }
    Instant now = Instant.now();
    if (healthz() == 200) {
      healthzFailingSince = null;
    } else if (isRunning()) {
      Instant since = healthzFailingSince;
      if (since == null) {
        healthzFailingSince = now;
      } else {
        Duration failing = Duration.between(since, now);
        if (failing.compareTo(longestHealthzFailure) > 0) {
          longestHealthzFailure = failing;
        }
      }
    }
  }

  /** After a SIGSTOP the probe may not answer for a while after SIGCONT: start the count afresh. */
  void forgetHealthzFailures() {
    healthzFailingSince = null;
  }

  double reconcileTotal() {
    return Math.max(0, reconcileTotal);
  }

  Instant lastScrape() {
    return lastScrape;
  }

  Duration longestHealthzFailure() {
    return longestHealthzFailure;
  }




  @Override
  public String toString() {
    return identity + "#" + incarnation + " (pid " + process.pid() + (process.isAlive() ? "" : ", exited")
        + (stopped ? ", stopped" : "") + ")";
  }
}
