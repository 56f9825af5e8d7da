package io.pgoperator.runtime.health;

import io.pgoperator.runtime.time.Clock;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs checks concurrently, each bounded by a timeout so that one hung check turns into a
 * failure instead of a hung probe (the kubelet would time out and count it as failed anyway,
 * but without saying which check hung). Results are settled on the caller's context, so timers
 * and responses never race.
 */
final class CheckRunner {

  private final Clock clock;
  private final Duration timeout;

  CheckRunner(Clock clock, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("health check timeout must be positive, got " + timeout);
    }
    this.clock = clock;
    this.timeout = timeout;
  }

  /** Must be called on {@code context}; the returned future never fails. */
  Future<List<CheckResult>> runAll(Map<String, HealthCheck> checks, Set<String> excluded,
      Context context) {
    List<Future<CheckResult>> results = new ArrayList<>(checks.size());
    checks.forEach((name, check) -> results.add(excluded.contains(name)
        ? Future.succeededFuture(CheckResult.excluded(name))
        : run(name, check, context)));
    return Future.all(results).map(all -> all.<CheckResult>list());
  }

  /** Must be called on {@code context}; the returned future never fails. */
  Future<CheckResult> run(String name, HealthCheck check, Context context) {
    Future<Void> outcome = invoke(check);
    if (outcome.isComplete()) {
      return Future.succeededFuture(toResult(name, outcome));
    }
    Promise<CheckResult> result = Promise.promise();
    long timer = clock.setTimer(timeout.toMillis(), () -> result.tryComplete(
        CheckResult.failed(name, "timed out after " + timeout.toMillis() + "ms")));
    // The check may complete on any thread; settle on the probe's context.
    outcome.onComplete(done -> context.runOnContext(v -> {
      clock.cancelTimer(timer);
      result.tryComplete(toResult(name, done));
    }));
    return result.future();
  }

  private static Future<Void> invoke(HealthCheck check) {
    try {
      Future<Void> outcome = check.check();
      return outcome != null ? outcome : Future.failedFuture("check returned no future");
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static CheckResult toResult(String name, AsyncResult<Void> done) {
    if (done.succeeded()) {
      return CheckResult.ok(name);
    }
    Throwable cause = done.cause();
    String reason = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getName();
    return CheckResult.failed(name, reason);
  }
}
