package io.pgoperator.runtime.health;

import io.vertx.core.Future;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One named health condition. {@link #check()} is called on an event loop for every probe and
 * must not block: answer from state the component already keeps (an informer's synced flag, a
 * leader term), never by doing I/O in the probe itself. A failed future means unhealthy; its
 * message is the reason shown on {@code /healthz/<name>} and in the log.
 */
@FunctionalInterface
public interface HealthCheck {

  Future<Void> check();

  /** Always healthy: the liveness of the HTTP server itself, as controller-runtime's ping. */
  HealthCheck PING = Future::succeededFuture;

  /** A check over a cheap in-memory condition, failing with {@code failureReason} when false. */
  static HealthCheck of(BooleanSupplier ok, String failureReason) {
    Objects.requireNonNull(ok, "ok");
    Objects.requireNonNull(failureReason, "failureReason");
    return () -> ok.getAsBoolean()
        ? Future.succeededFuture()
        : Future.failedFuture(failureReason);
  }
}
