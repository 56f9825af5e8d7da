package io.pgoperator.runtime.testing;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A Vert.x instance whose blocked-thread checker runs at a tight limit and records every
 * warning, so a test can fail when anything blocked an event loop.
 */
public final class BlockedThreadWatch {

  private final List<String> events = new CopyOnWriteArrayList<>();

  /** Options with the checker every 50 ms and a 200 ms event-loop limit. */
  public static VertxOptions tightOptions() {
    return new VertxOptions()
        .setBlockedThreadCheckInterval(50).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
        .setMaxEventLoopExecuteTime(200).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS);
  }

  public static BlockedThreadWatch attach(Vertx vertx) {
    BlockedThreadWatch watch = new BlockedThreadWatch();
    ((VertxInternal) vertx).blockedThreadChecker().setThreadBlockedHandler(event ->
        watch.events.add(event.thread().getName() + " blocked for " + event.duration() / 1_000_000 + " ms"));
    return watch;
  }

  public List<String> events() {
    return List.copyOf(events);
  }

  public void assertNoneBlocked() {
    if (!events.isEmpty()) {
      throw new AssertionError("event loop blocked: " + events);
    }
  }
}
