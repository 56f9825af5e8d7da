package io.pgoperator.app;

import ch.qos.logback.classic.LoggerContext;
import io.pgoperator.runtime.OperatorRuntime;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT stop the runtime in reverse start order, within the graceful shutdown
 * timeout (plus a small margin for closing), and the process exits 0 — not the JVM's 143.
 */
final class ProcessLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ProcessLifecycle.class);
  private static final Duration MARGIN = Duration.ofSeconds(5);
  private static final CountDownLatch STOPPED = new CountDownLatch(1);
  private static final AtomicBoolean STOPPING = new AtomicBoolean();

  private ProcessLifecycle() {}

  static void stopOnSignal(OperatorRuntime runtime, Duration timeout) {
    Signal.handle(new Signal("TERM"), signal -> stopAndExit(runtime, timeout, 0, "SIGTERM"));
    Signal.handle(new Signal("INT"), signal -> stopAndExit(runtime, timeout, 0, "SIGINT"));
    // Another way out (System.exit elsewhere) still stops the runtime once.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(runtime, timeout), "shutdown"));
  }

  /** Blocks the main thread until a signal has stopped the runtime. */
  static void awaitStop() {
    try {
      STOPPED.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Exits with {@code code} from any thread; the shutdown hook stops the runtime first. */
  static void exit(int code, String reason) {
    log.warn("exiting with code {}: {}", code, reason);
    new Thread(() -> System.exit(code), "exit").start();
  }

  static void exitNow(int code) {
    flushLogs();
    System.exit(code);
  }

  private static void stopAndExit(OperatorRuntime runtime, Duration timeout, int code, String signal) {
    new Thread(() -> {
      log.info("{} received: shutting down (up to {})", signal, timeout);
      stop(runtime, timeout);
      exitNow(code);
    }, "shutdown-" + signal).start();
  }

  private static void stop(OperatorRuntime runtime, Duration timeout) {
    if (!STOPPING.compareAndSet(false, true)) {
      awaitStop();
      return;
    }
    try {
      runtime.stop().await(timeout.plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("shutdown did not finish within {}: {}", timeout.plus(MARGIN), e.toString());
    } finally {
      STOPPED.countDown();
    }
  }

  private static void flushLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.stop();
    }
  }
}
