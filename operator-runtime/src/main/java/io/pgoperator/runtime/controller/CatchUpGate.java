package io.pgoperator.runtime.controller;

import io.pgoperator.runtime.time.Clock;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a controller may reconcile from its caches now. A source whose watch is down may miss
 * changes until it is re-established: reconciling from it could act on objects deleted or changed
 * meanwhile (e.g. recreate the children of a deleted cluster right after an outage).
 *
 * <p>Watches also go down in normal operation: the client ends each watch after a random 5 to 10
 * minutes and opens the next from the last resource version it saw, within milliseconds. Such a
 * restart only pauses reconciles until the watch is back; its gap is as short as the usual delay
 * of a watch event, and the resumed watch delivers what happened in it. A watch down for longer
 * than {@link #RESTART_GRACE} is an outage: the gate then stays closed until every watch is open
 * again and every cache holds what a quorum list shows (a resumed watch delivers the outage's
 * changes after it opens). The gate samples the watches every {@link #WATCH_POLL_MILLIS} from
 * {@link #start()}, whether or not keys wait, so it knows how long a watch was down even when it
 * went down while nothing was queued. The list runs only once keys wait.
 *
 * <p>{@link #isOpen()} only answers; {@link #advance()} moves the gate on (starts the catch-up or
 * a retry) and the sampler calls the controller back when the answer may have changed. Confined
 * to the controller's context.
 */
final class CatchUpGate {

  private static final Logger log = LoggerFactory.getLogger(CatchUpGate.class);
  static final long WATCH_POLL_MILLIS = 100;
  /** A watch back within this long of being seen down was restarted, not cut off: no list. */
  static final Duration RESTART_GRACE = Duration.ofSeconds(1);
  static final Duration CATCH_UP_RETRY = Duration.ofSeconds(1);
  private static final long NOT_DOWN = Long.MIN_VALUE;

  private final String controller;
  private final BooleanSupplier watching;
  private final BooleanSupplier keysWait;
  private final Supplier<Future<?>> catchUp;
  private final Clock clock;
  private final Runnable recheck;
  private final CatchUpMetrics metrics;
  /** When the sampler first saw a watch down in the current interruption; NOT_DOWN while all are open. */
  private long downSince = NOT_DOWN;
  /** A watch was down longer than the grace: reconciles wait for a catch-up. */
  private boolean owed;
  /** Counts started catch-ups; a completion whose number is not the latest is ignored. */
  private long attempt;
  private boolean catchingUp;
  /** After a failed catch-up, the next starts no earlier than this ({@link Clock#nanoTime}). */
  private long retryAt = Long.MIN_VALUE;
  private long sampleTimer = -1;
  private boolean started;
  private boolean stopped;

  /**
   * @param watching whether every source's watch is open now
   * @param keysWait whether keys wait in the controller's queue (only then are reconciles held)
   * @param catchUp starts a catch-up of every source (completes when every cache holds what a list
   *     made at its start shows, fails otherwise)
   * @param recheck called on the controller's context when {@link #isOpen()} may have changed
   */
  CatchUpGate(String controller, BooleanSupplier watching, BooleanSupplier keysWait, Supplier<Future<?>> catchUp,
      Clock clock, Runnable recheck, CatchUpMetrics metrics) {
    this.controller = controller;
    this.watching = watching;
    this.keysWait = keysWait;
    this.catchUp = catchUp;
    this.clock = clock;
    this.recheck = recheck;
    this.metrics = metrics;
  }

  /** Starts sampling the watches; call once the caches have synced (before that no watch is expected open). */
  void start() {
    if (started || stopped) {
      return;
    }
    started = true;
    scheduleSample();
  }

  /** True when every watch is open and no catch-up is owed. */
  boolean isOpen() {
    return !owed && downSince == NOT_DOWN && watching.getAsBoolean();
  }

  /**
   * Called while keys wait: looks at the watches now and, when a catch-up is owed and every watch
   * is open again, starts it (unless one is running or a failed one's retry time has not come).
   */
  void advance() {
    if (stopped) {
      return;
    }
    sample();
    if (owed && downSince == NOT_DOWN && !catchingUp && clock.nanoTime() >= retryAt) {
      startCatchUp();
    }
  }

  void stop() {
    stopped = true;
    if (sampleTimer >= 0) {
      clock.cancelTimer(sampleTimer);
      sampleTimer = -1;
    }
    metrics.holding(false);
  }

  /** Follows the watches: when one went down, whether it came back within the grace. */
  private void sample() {
    long now = clock.nanoTime();
    if (!watching.getAsBoolean()) {
      if (downSince == NOT_DOWN) {
        downSince = now;
      }
      if (!owed && now - downSince > RESTART_GRACE.toNanos()) {
        owed = true;
        log.info("controller {}: a watch has been down for over {} ms; holding reconciles until the caches follow"
            + " the API server again", controller, RESTART_GRACE.toMillis());
      }
      if (catchingUp) {
        // Its list may predate what this interruption hides.
        catchingUp = false;
        attempt++;
        metrics.catchUpAbandoned();
      }
    } else if (downSince != NOT_DOWN) {
      downSince = NOT_DOWN;
      if (!owed) {
        metrics.watchRestarted();
        log.debug("controller {}: a watch restarted within {} ms; reconciling on", controller,
            RESTART_GRACE.toMillis());
      }
    }
    // Held: keys wait for a catch-up (a standby owes one too, for when it leads, but holds nothing).
    metrics.holding(owed && keysWait.getAsBoolean());
  }

  private void scheduleSample() {
    sampleTimer = clock.setTimer(WATCH_POLL_MILLIS, () -> {
      sampleTimer = -1;
      if (stopped) {
        return;
      }
      boolean wasOpen = isOpen();
      sample();
      scheduleSample();
      if (!wasOpen) {
        // The controller looks again: it dispatches if the gate opened, starts a catch-up if one is due.
        recheck.run();
      }
    });
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
        owed = false;
        metrics.caughtUp();
        metrics.holding(false);
        log.info("controller {}: the caches have caught up with the API server; reconciling", controller);
      } else {
        retryAt = clock.nanoTime() + CATCH_UP_RETRY.toNanos();
        metrics.catchUpFailed();
        log.info("controller {}: the caches have not caught up ({}); listing again", controller,
            result.cause().getMessage());
      }
      recheck.run();
    });
  }
}
