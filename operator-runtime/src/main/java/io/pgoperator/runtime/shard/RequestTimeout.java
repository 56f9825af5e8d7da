package io.pgoperator.runtime.shard;

import io.pgoperator.runtime.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Fails a Lease request that has not been answered in time, so the ring never waits on an API
 * server that went silent (the HTTP client's own timeout is the same; this holds for any {@link
 * RingApi}). An answer that comes later is dropped.
 */
final class RequestTimeout {

  private final Clock clock;
  private final long timeoutMillis;

  RequestTimeout(Clock clock, Duration timeout) {
    this.clock = clock;
    this.timeoutMillis = timeout.toMillis();
  }

  <T> Future<T> bound(String what, Future<T> call) {
    Promise<T> result = Promise.promise();
    long timer = clock.setTimer(timeoutMillis, () -> result.tryFail(new TimeoutException("no answer to " + what
        + " within " + timeoutMillis + "ms")));
    call.onComplete(done -> {
      clock.cancelTimer(timer);
      if (done.succeeded()) {
        result.tryComplete(done.result());
      } else {
        result.tryFail(done.cause());
      }
    });
    return result.future();
  }
}
