package io.pgoperator.runtime.testing;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs Vert.x's blocked-thread checker at a tight limit and records every warning, so a test
 * fails when anything blocked an event loop.
 *
 * <p>A warning is a failure when the event loop was waiting, not working: its thread was parked,
 * sleeping or waiting for a monitor (a blocking fabric8 call, a lock, a sleep), or sat in blocking
 * I/O, or overran the hard limit. A loop that was merely slow while RUNNABLE (a starved CPU, class
 * loading while the JVM warms up) is reported, not failed: that is load, not a blocking call.
 */
public final class BlockedThreadWatch {

  private static final long TIGHT_LIMIT_MILLIS = 200;
  private static final long HARD_LIMIT_MILLIS = 2_000;

  private record Warning(String thread, Thread.State state, long millis, StackTraceElement[] stack) {

    boolean isBlocking() {
      return state != Thread.State.RUNNABLE || millis >= HARD_LIMIT_MILLIS
          || Arrays.stream(stack).limit(8).anyMatch(Warning::isBlockingIo);
    }

    private static boolean isBlockingIo(StackTraceElement frame) {
      String where = frame.getClassName() + "." + frame.getMethodName();
      return where.startsWith("sun.nio.ch.") && where.contains("read")
          || where.startsWith("java.net.") || where.startsWith("java.io.FileInputStream.read");
    }

    @Override
    public String toString() {
      return thread + " " + state + " for " + millis + " ms at" + Arrays.stream(stack).limit(20)
          .map(String::valueOf).collect(Collectors.joining("\n    ", "\n    ", ""));
    }
  }

  private final List<Warning> warnings = new CopyOnWriteArrayList<>();

  /** Options with the checker every 50 ms and a 200 ms event-loop limit. */
  public static VertxOptions tightOptions() {
    return new VertxOptions()
        .setBlockedThreadCheckInterval(50).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
        .setMaxEventLoopExecuteTime(TIGHT_LIMIT_MILLIS).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS);
  }

  public static BlockedThreadWatch attach(Vertx vertx) {
    BlockedThreadWatch watch = new BlockedThreadWatch();
    ((VertxInternal) vertx).blockedThreadChecker().setThreadBlockedHandler(event -> {
      Thread thread = event.thread();
      watch.warnings.add(new Warning(thread.getName(), thread.getState(), event.duration() / 1_000_000,
          thread.getStackTrace()));
    });
    return watch;
  }

  public List<String> blockingEvents() {
    return warnings.stream().filter(Warning::isBlocking).map(Warning::toString).toList();
  }

  public void assertNoneBlocked() {
    warnings.stream().filter(w -> !w.isBlocking()).forEach(w ->
        System.err.println("note: event loop slow but not blocked (CPU load or JVM warm-up): " + w.thread()
            + " for " + w.millis() + " ms"));
    List<String> blocking = blockingEvents();
    if (!blocking.isEmpty()) {
      throw new AssertionError("event loop blocked:\n" + String.join("\n", blocking));
    }
  }
}
