package io.pgoperator.runtime.controller;

import io.pgoperator.runtime.time.Clock;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a controller may reconcile from its caches now. A source whose watch failed (an API
 * outage, a dropped connection) may miss changes until it is re-established: reconciling from it
 * could act on objects deleted or changed meanwhile (e.g. recreate the children of a deleted
 * cluster right after an outage). Once a watch is seen down, the gate stays closed until every
 * watch is open again and then until every cache holds what a quorum list shows (a resumed watch
 * delivers the outage's changes after it opens). Keys wait in the queue meanwhile.
 *
 * <p>{@link #isOpen()} only answers; {@link #advance()} moves the gate on (starts the hold, the
 * catch-up, a retry) and calls the controller back when the answer may have changed. Confined to
 * the controller's context.
 */
final class CatchUpGate {

  private static final Logger log = LoggerFactory.getLogger(CatchUpGate.class);
  static final long WATCH_POLL_MILLIS = 100;
  static final Duration CATCH_UP_RETRY = Duration.ofSeconds(1);

  private final String controller;
  private final BooleanSupplier watching;
  private final Supplier<Future<?>> catchUp;
  private final Clock clock;
  private final Runnable recheck;
  private boolean holding;
  /** Counts started catch-ups; a completion whose number is not the latest is ignored. */
  private long attempt;
  private boolean catchingUp;
  /** After a failed catch-up, the next starts no earlier than this ({@link Clock#nanoTime}). */
  private long retryAt = Long.MIN_VALUE;
  private long pollTimer = -1;
  private boolean stopped;

  /**
   * @param watching whether every source's watch is open now
   * @param catchUp starts a catch-up of every source (completes when every cache holds what a list
   *     made at its start shows, fails otherwise)
   * @param recheck called on the controller's context when {@link #isOpen()} may have changed
   */
  CatchUpGate(String controller, BooleanSupplier watching, Supplier<Future<?>> catchUp, Clock clock,
      Runnable recheck) {
    this.controller = controller;
    this.watching = watching;
    this.catchUp = catchUp;
    this.clock = clock;
    this.recheck = recheck;
  }

  /** True when every watch is open and no catch-up is owed. */
  boolean isOpen() {
    return !holding && watching.getAsBoolean();
  }

  /**
   * A watch down: close (abandoning a catch-up in flight, whose list may predate what the
   * watch missed) and look again shortly. Every watch open while closed: start the catch-up, or
   * wait for the one running or for the retry time after a failed one.
   */
  void advance() {
    if (stopped) {
      return;
    }
    if (!watching.getAsBoolean()) {
      if (!holding) {
        holding = true;
        log.info("controller {}: a watch is down; holding reconciles until the caches follow the API server again",
            controller);
      }
      if (catchingUp) {
        catchingUp = false;
        attempt++;
      }
      pollLater();
      return;
    }
    if (!holding || catchingUp) {
      return;
    }
    if (clock.nanoTime() < retryAt) {
      pollLater();
      return;
    }
    startCatchUp();
  }

  void stop() {
    stopped = true;
    if (pollTimer >= 0) {
      clock.cancelTimer(pollTimer);
      pollTimer = -1;
    }
  }

  private void startCatchUp() {
    long started = ++attempt;
    catchingUp = true;
    log.info("controller {}: every watch is open again; waiting until the caches hold what a list shows now",
        controller);
    catchUp.get().onComplete(result -> {
      if (stopped || started != attempt) {
        return;
      }
      catchingUp = false;
      if (result.succeeded()) {
        holding = false;
        log.info("controller {}: the caches have caught up with the API server; reconciling", controller);
      } else {
        retryAt = clock.nanoTime() + CATCH_UP_RETRY.toNanos();
        log.info("controller {}: the caches have not caught up ({}); listing again", controller,
            result.cause().getMessage());
      }
      recheck.run();
    });
  }

  private void pollLater() {
    if (pollTimer < 0) {
      pollTimer = clock.setTimer(WATCH_POLL_MILLIS, () -> {
        pollTimer = -1;
        recheck.run();
      });
    }
  }
}
