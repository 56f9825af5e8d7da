package io.pgoperator.runtime.leader;

import io.pgoperator.runtime.time.Clock;
import io.vertx.core.Future;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * At most one Lease request in flight. A request that outlives its timeout is abandoned and its
 * answer, should one come, dropped: ignoring an answer is always safe for the election (if a
 * dropped write did land, the next read shows it).
 */
final class RequestSlot {

  private final Clock clock;
  private final long timeoutMillis;
  private long ids;
  private long inFlight;
  private long timer = -1;

  RequestSlot(Clock clock, long timeoutMillis) {
    this.clock = clock;
    this.timeoutMillis = timeoutMillis;
  }

  boolean busy() {
    return inFlight != 0;
  }

  void send(String what, Supplier<Future<LeaseRecord>> call, Consumer<LeaseRecord> onSuccess,
      Consumer<Throwable> onFailure) {
    long id = ++ids;
    inFlight = id;
    timer = clock.setTimer(timeoutMillis, () -> {
      if (inFlight == id) {
        inFlight = 0;
        timer = -1;
        onFailure.accept(new TimeoutException("no answer to " + what + " within " + timeoutMillis + "ms"));
      }
    });
    Future<LeaseRecord> future;
    try {
      future = call.get();
    } catch (RuntimeException e) {
      future = Future.failedFuture(e);
    }
    future.onComplete(result -> {
      if (inFlight != id) {
        return;
      }
      abandon();
      if (result.succeeded()) {
        onSuccess.accept(result.result());
      } else {
        onFailure.accept(result.cause());
      }
    });
  }

  /** Forgets the request in flight, if any. */
  void abandon() {
    inFlight = 0;
    if (timer >= 0) {
      clock.cancelTimer(timer);
      timer = -1;
    }
  }
}
