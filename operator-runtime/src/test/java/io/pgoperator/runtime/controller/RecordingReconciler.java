package io.pgoperator.runtime.controller;

import io.pgoperator.runtime.reconcile.Reconciler;
import io.pgoperator.runtime.reconcile.Request;
import io.pgoperator.runtime.reconcile.Result;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A reconciler for tests: records every call (key, monotonic time and, if the test asks, what
 * the reconcile saw of the key), tracks how many reconciles of one key run at once, and answers
 * with a behaviour the test sets.
 */
final class RecordingReconciler implements Reconciler {

  /** {@code seen}: what {@link #observe} read when the call began (null without an observer). */
  record Call(Request key, long nanos, String seen) {}

  private final Vertx vertx;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<Request, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final AtomicInteger maxInFlightPerKey = new AtomicInteger();
  private volatile Function<Request, Future<Result>> behaviour = key -> Future.succeededFuture(Result.done());
  private volatile long workMillis;
  private volatile Function<Request, String> observer = key -> null;

  RecordingReconciler(Vertx vertx) {
    this.vertx = vertx;
  }

  void behave(Function<Request, Future<Result>> behaviour) {
    this.behaviour = behaviour;
  }

  /** Records with each call what {@code observer} reads of its key then (e.g. from the cache). */
  void observe(Function<Request, String> observer) {
    this.observer = observer;
  }

  /** Each reconcile takes this long (a timer, not blocking) before it answers. */
  void workFor(long millis) {
    this.workMillis = millis;
  }

  @Override
  public Future<Result> reconcile(Request key) {
    calls.add(new Call(key, System.nanoTime(), observer.apply(key)));
    int now = inFlight.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    maxInFlightPerKey.accumulateAndGet(now, Math::max);
    Promise<Void> worked = Promise.promise();
    if (workMillis > 0) {
      vertx.setTimer(workMillis, id -> worked.complete());
    } else {
      worked.complete();
    }
    return worked.future()
        .compose(v -> behaviour.apply(key))
        .andThen(ignored -> inFlight.get(key).decrementAndGet());
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  long callsFor(Request key) {
    return calls.stream().filter(c -> c.key().equals(key)).count();
  }

  List<Call> callsOf(Request key) {
    return calls.stream().filter(c -> c.key().equals(key)).toList();
  }

  int maxInFlightPerKey() {
    return maxInFlightPerKey.get();
  }
}
