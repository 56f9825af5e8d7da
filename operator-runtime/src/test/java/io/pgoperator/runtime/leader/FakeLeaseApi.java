package io.pgoperator.runtime.leader;

import io.pgoperator.runtime.time.FakeClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@link LeaseApi} over an in-memory {@link Store} with API-server semantics. By default it
 * answers at once; in manual mode each call waits in {@link #pending} until the test answers it,
 * to model latency and hanging requests. Watch events are delivered through the fake clock's
 * timers (delay 0), so they arrive on the next {@code advance}/{@code runDue}, as after a network
 * hop, never inside the write that caused them.
 */
final class FakeLeaseApi implements LeaseApi {

  /** The stored Lease: resourceVersion bumps on every write, 409 on a stale one. */
  static final class Store {
    private final FakeClock clock;
    private final List<FakeLeaseApi> watchers = new ArrayList<>();
    private LeaseRecord current;
    private long version;
    int writes;

    Store(FakeClock clock) {
      this.clock = clock;
    }

    LeaseRecord current() {
      return current;
    }

    /** Another writer (or kubectl) sets the Lease, unconditionally; watchers hear of it. */
    LeaseRecord put(LeaseRecord record) {
      current = record == null ? null : withVersion(record, ++version);
      writes++;
      watchers.forEach(w -> w.notifyChange(current));
      return current;
    }

    LeaseRecord create(LeaseRecord record) {
      if (current != null) {
        throw new LeaseConflictException("create: lease exists");
      }
      return put(record);
    }

    LeaseRecord update(LeaseRecord record) {
      if (current == null) {
        throw new LeaseConflictException("update: lease not found (404)");
      }
      if (!current.resourceVersion().equals(record.resourceVersion())) {
        throw new LeaseConflictException("update: stale resourceVersion " + record.resourceVersion());
      }
      return put(record);
    }

    private static LeaseRecord withVersion(LeaseRecord r, long v) {
      return new LeaseRecord(r.holderIdentity(), r.leaseDurationSeconds(), r.acquireTime(), r.renewTime(),
          r.leaseTransitions(), String.valueOf(v), r.holderInstance(), r.holderPod());
    }
  }

  record Call(String op, LeaseRecord sent, Promise<LeaseRecord> promise) {}

  private final Store store;
  private final FakeClock clock;
  final List<Call> calls = new ArrayList<>();
  final Deque<Call> pending = new ArrayDeque<>();
  private Consumer<LeaseRecord> watcher;
  boolean manual;
  RuntimeException failure;
  boolean closed;

  FakeLeaseApi(Store store) {
    this.store = store;
    this.clock = store.clock;
  }

  @Override
  public Future<LeaseRecord> get() {
    return call("get", null);
  }

  @Override
  public Future<LeaseRecord> create(LeaseRecord record) {
    return call("create", record);
  }

  @Override
  public Future<LeaseRecord> update(LeaseRecord record) {
    return call("update", record);
  }

  @Override
  public void watch(Consumer<LeaseRecord> onChange) {
    watcher = onChange;
    store.watchers.add(this);
  }

  @Override
  public Future<Void> close() {
    closed = true;
    store.watchers.remove(this);
    return Future.succeededFuture();
  }

  /** Answers the oldest pending call from the store. */
  void answerNext() {
    Call call = pending.removeFirst();
    try {
      call.promise().complete(execute(call));
    } catch (RuntimeException e) {
      call.promise().fail(e);
    }
  }

  /** Delivers a watch event now, whatever the store holds: a lagging or replayed event. */
  void emit(LeaseRecord record) {
    watcher.accept(record);
  }

  void failNext(RuntimeException error) {
    pending.removeFirst().promise().fail(error);
  }

  long count(String op) {
    return calls.stream().filter(c -> c.op().equals(op)).count();
  }

  Call lastCall() {
    return calls.get(calls.size() - 1);
  }

  private Future<LeaseRecord> call(String op, LeaseRecord record) {
    Call call = new Call(op, record, Promise.promise());
    calls.add(call);
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    if (manual) {
      pending.add(call);
      return call.promise().future();
    }
    try {
      return Future.succeededFuture(execute(call));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private LeaseRecord execute(Call call) {
    return switch (call.op()) {
      case "get" -> store.current();
      case "create" -> store.create(call.sent());
      case "update" -> store.update(call.sent());
      default -> throw new IllegalArgumentException(call.op());
    };
  }

  private void notifyChange(LeaseRecord record) {
    clock.setTimer(0, () -> {
      if (!closed && watcher != null) {
        watcher.accept(record);
      }
    });
  }
}
