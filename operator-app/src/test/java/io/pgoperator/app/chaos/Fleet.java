package io.pgoperator.app.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The operator replicas of the soak, {@code replica-1..N}, each with a kubeconfig file of its own
 * (its ServiceAccount token, through the fault proxy). Restarts go through one background thread
 * "as a Deployment would": after the benchmark's SIGKILL (a few seconds later), after its SIGTERM
 * (once the process exited), and after a process exited on its own (counted: it should never
 * happen). Logs: {@code <dir>/<identity>.log}, then {@code <identity>.<n>.log} per restart.
 * {@link #close()} SIGCONTs and SIGKILLs every process and waits until they are gone.
 */
final class Fleet implements AutoCloseable {

  /** Generous: JVMs start next to an API server on a small machine, maybe during a fault's aftermath. */
  static final Duration STARTUP = Duration.ofSeconds(120);
  private static final Duration TERM_EXIT = Duration.ofSeconds(60);
  private static final int TAIL = 40;

  /** A process that exited without a signal from the benchmark. */
  record SelfExit(String identity, int incarnation, Instant at, int exitCode, Path log) {}

  private final Path jar;
  private final String namespace;
  private final Path logDir;
  private final List<String> flags;
  private final Map<String, Path> kubeconfigs;
  private final Map<String, OperatorProcess> current = new ConcurrentHashMap<>();
  private final List<OperatorProcess> every = new CopyOnWriteArrayList<>();
  private final List<SelfExit> selfExits = new CopyOnWriteArrayList<>();
  private final List<String> anomalies = new CopyOnWriteArrayList<>();
  private final List<Future<?>> pending = new CopyOnWriteArrayList<>();
  private final ExecutorService restarter = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "chaos-restarter");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean closing;

  Fleet(Path jar, String namespace, Path logDir, List<String> flags, Map<String, Path> kubeconfigs) {
    this.jar = jar;
    this.namespace = namespace;
    this.logDir = logDir;
    this.flags = List.copyOf(flags);
    this.kubeconfigs = Map.copyOf(kubeconfigs);
  }

  /** Starts every identity at once and waits until each answers /readyz 200. */
  void startAll() {
    List<OperatorProcess> started = new ArrayList<>();
    for (String identity : kubeconfigs.keySet().stream().sorted().toList()) {
      started.add(launch(identity));
    }
    started.forEach(this::awaitReady);
  }

  private synchronized OperatorProcess launch(String identity) {
    int incarnation = (int) every.stream().filter(p -> p.identity().equals(identity)).count() + 1;
    Path log = logDir.resolve(incarnation == 1 ? identity + ".log" : identity + "." + incarnation + ".log");
    OperatorProcess process = OperatorProcess.launch(identity, incarnation, jar, kubeconfigs.get(identity), namespace,
        flags, log);
    every.add(process);
    current.put(identity, process);
    process.process().onExit().thenRun(() -> exited(process));
    return process;
  }

  private void exited(OperatorProcess process) {
    if (closing || process.signalled() != null) {
      return;
    }
    selfExits.add(new SelfExit(process.identity(), process.incarnation(), Instant.now(), process.exitCode(),
        process.log()));
    System.err.println("[chaos] " + process + " exited on its own with code " + process.exitCode() + "; log "
        + process.log().toAbsolutePath() + "; restarting it");
    printTail(process, System.err);
    submit(() -> {
      sleep(Duration.ofSeconds(1));
      restart(process.identity());
    });
  }

  /** Until /readyz answers 200; fails with the log's tail if the process exits meanwhile. */
  void awaitReady(OperatorProcess process) {
    long end = System.nanoTime() + STARTUP.toNanos();
    while (process.readyz() != 200) {
      if (!process.isAlive()) {
        printTail(process, System.err);
        throw new IllegalStateException(process + " exited while starting (code " + process.exitCode() + "); log "
            + process.log().toAbsolutePath());
      }
      if (System.nanoTime() - end > 0) {
        printTail(process, System.err);
        throw new IllegalStateException(process + " not ready within " + STARTUP + "; log "
            + process.log().toAbsolutePath());
      }
      sleep(Duration.ofMillis(200));
    }
  }

  /** Starts the identity again (fresh ports and log) once its current incarnation is gone; up to 3 tries. */
  private void restart(String identity) {
    if (closing) {
      return;
    }
    OperatorProcess old = current.get(identity);
    if (old != null && old.isAlive()) {
      throw new IllegalStateException("restart of " + old + ": it still runs");
    }
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= 3 && !closing; attempt++) {
      OperatorProcess again = launch(identity);
      try {
        awaitReady(again);
        return;
      } catch (IllegalStateException e) {
        last = e;
        anomalies.add("restart of " + identity + " failed (attempt " + attempt + "): " + e.getMessage());
        if (again.isAlive()) {
          again.kill();
          again.waitForExit(Duration.ofSeconds(30));
        }
      }
    }
    if (last != null) {
      throw last;
    }
  }

  /** After SIGKILL: restart {@code delay} later, as a Deployment's controller and kubelet would. */
  void restartAfterKill(OperatorProcess killed, Duration delay) {
    submit(() -> {
      if (!killed.waitForExit(Duration.ofSeconds(30))) {
        throw new IllegalStateException(killed + " still runs 30s after SIGKILL");
      }
      sleep(delay);
      restart(killed.identity());
    });
  }

  /** After SIGTERM: restart once it has exited; SIGKILL (noted) if it has not within 60s. */
  void restartAfterExit(OperatorProcess terminated) {
    submit(() -> {
      if (!terminated.waitForExit(TERM_EXIT)) {
        anomalies.add(terminated + " did not exit within " + TERM_EXIT.toSeconds() + "s of SIGTERM; SIGKILLed");
        terminated.kill();
        terminated.waitForExit(Duration.ofSeconds(30));
      } else if (terminated.exitCode() != 0) {
        anomalies.add(terminated + " exited with code " + terminated.exitCode() + " after SIGTERM (expected 0)");
      }
      restart(terminated.identity());
    });
  }

  private void submit(Runnable task) {
    if (!closing) {
      pending.add(restarter.submit(task));
    }
  }

  /** Waits for every restart scheduled so far; rethrows a restart's failure (the harness cannot go on). */
  void awaitRestarts(Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    for (Future<?> f : List.copyOf(pending)) {
      try {
        f.get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        pending.remove(f);
      } catch (TimeoutException e) {
        throw new IllegalStateException("restarts of operator replicas not done within " + deadline, e);
      } catch (ExecutionException e) {
        pending.remove(f);
        throw new IllegalStateException("restarting an operator replica failed: " + e.getCause().getMessage(),
            e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for restarts", e);
      }
    }
  }

  OperatorProcess current(String identity) {
    return current.get(identity);
  }

  /** The current incarnation of {@code identity} if it runs (alive, not stopped). */
  Optional<OperatorProcess> running(String identity) {
    return Optional.ofNullable(current.get(identity)).filter(OperatorProcess::isRunning);
  }

  /**
   * The current incarnation of {@code identity} if it runs and started before {@code renewTime}:
   * a Lease renewed by a killed incarnation stays valid for a while, and must not be credited to
   * the restarted one under the same identity.
   */
  Optional<OperatorProcess> runningHolder(String identity, Instant renewTime) {
    return running(identity).filter(p -> renewTime != null && renewTime.isAfter(p.startedAt()));
  }

  List<OperatorProcess> currentAll() {
    return List.copyOf(current.values());
  }

  List<OperatorProcess> every() {
    return List.copyOf(every);
  }

  List<SelfExit> selfExits() {
    return List.copyOf(selfExits);
  }

  List<String> anomalies() {
    return List.copyOf(anomalies);
  }

  void scrapeAll() {
    for (OperatorProcess p : currentAll()) {
      p.scrape();
    }
  }

  /** SIGCONT to anything stopped (the end of the soak lifts every fault). */
  void resumeAll() {
    for (OperatorProcess p : every) {
      if (p.isAlive() && p.isStopped()) {
        p.resume();
      }
    }
  }

  void printTails(PrintStream out) {
    out.println("==== operator replica logs in " + logDir.toAbsolutePath() + " ====");
    for (OperatorProcess p : every) {
      printTail(p, out);
    }
  }

  private static void printTail(OperatorProcess p, PrintStream out) {
    try {
      List<String> lines = Files.exists(p.log()) ? Files.readAllLines(p.log(), StandardCharsets.UTF_8) : List.of();
      out.println("---- " + p + ": last " + Math.min(TAIL, lines.size()) + " lines of " + p.log().toAbsolutePath());
      lines.subList(Math.max(0, lines.size() - TAIL), lines.size()).forEach(out::println);
    } catch (IOException e) {
      out.println("cannot read " + p.log() + ": " + e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    closing = true;
    restarter.shutdownNow();
    try {
      restarter.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (OperatorProcess p : every) {
      if (p.isAlive()) {
        try {
          p.resume();
        } catch (RuntimeException ignored) {
          // it may have exited in between; the kill below is what matters
        }
        p.kill();
      }
    }
    // a restart that was launching when the executor stopped
    for (OperatorProcess p : every) {
      if (p.isAlive()) {
        p.kill();
      }
      if (!p.waitForExit(Duration.ofSeconds(30))) {
        System.err.println("operator replica " + p + " did not exit within 30s of SIGKILL");
      }
    }
  }
}
