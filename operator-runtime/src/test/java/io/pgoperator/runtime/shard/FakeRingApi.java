package io.pgoperator.runtime.shard;

import io.pgoperator.runtime.time.FakeClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One replica's connection to the {@link FakeRingServer}. A request reaches the server after a
 * one-way latency (on the shared clock: it lands even if the replica is paused meanwhile) and its
 * answer comes back after another, through the replica's clock (so a paused replica hears it on
 * resume). Watch events come in write order after a latency.
 *
 * <p>A partition cuts the replica off: requests sent fail after a latency or hang (per {@link
 * #hangWhilePartitioned}), requests in flight never land, answers in flight are lost (a write may
 * land unanswered), and watch events stop. On heal the watch relists: the current Lease for every
 * name, and {@code deleted} for every name it had reported that is gone.
 */
final class FakeRingApi implements RingApi {

  private final FakeRingServer server;
  private final FakeClock shared;
  private final ReplicaClock clock;
  private final Random random;
  int minLatencyMillis;
  int maxLatencyMillis;
  private final Set<String> reported = new HashSet<>();
  private Consumer<RingLease> changed;
  private Consumer<String> deleted;
  private Runnable synced;
  private boolean watching;
  private boolean listed;
  private long epoch;
  private long lastEventDue;
  private boolean partitioned;
  boolean hangWhilePartitioned;
  /** Added to every watch event's latency: a watch that lags far behind, in order, without a relist. */
  int watchLagMillis;
  int requests;
  /** Requests sent after {@link #close()}: a ring that stopped should write nothing more. */
  final java.util.List<String> afterClose = new java.util.ArrayList<>();
  private boolean closed;

  FakeRingApi(FakeRingServer server, FakeClock shared, ReplicaClock clock, Random random, int minLatencyMillis,
      int maxLatencyMillis) {
    this.server = server;
    this.shared = shared;
    this.clock = clock;
    this.random = random;
    this.minLatencyMillis = minLatencyMillis;
    this.maxLatencyMillis = maxLatencyMillis;
  }

  boolean partitioned() {
    return partitioned;
  }

  void partition(boolean hang) {
    partitioned = true;
    hangWhilePartitioned = hang;
    epoch++;
  }

  void heal() {
    if (!partitioned) {
      return;
    }
    partitioned = false;
    epoch++;
    if (watching) {
      relist();
    }
  }

  @Override
  public void watch(Consumer<RingLease> changed, Consumer<String> deleted, Runnable synced) {
    this.changed = changed;
    this.deleted = deleted;
    this.synced = synced;
    watching = true;
    server.subscribe(this);
    if (!partitioned) {
      relist();
    }
  }

  @Override
  public Future<java.util.List<RingLease>> list() {
    return request("list", () -> java.util.List.copyOf(server.snapshot().values()));
  }

  @Override
  public Future<RingLease> get(String name) {
    return request("get " + name, () -> server.get(name));
  }

  @Override
  public Future<RingLease> create(RingLease lease) {
    return request("create " + lease.name(), () -> server.create(lease));
  }

  @Override
  public Future<RingLease> update(RingLease lease) {
    return request("update " + lease.name() + " holder '" + lease.holder() + "'", () -> server.update(lease));
  }

  @Override
  public Future<Void> delete(String name, String resourceVersion) {
    return request("delete " + name, () -> {
      server.delete(name, resourceVersion);
      return null;
    });
  }

  @Override
  public Future<Void> close() {
    closed = true;
    watching = false;
    server.unsubscribe(this);
    return Future.succeededFuture();
  }

  /** How far the watch is behind: until when events already sent are still on their way. */
  long behindMillis() {
    return Math.max(0, (lastEventDue - shared.nanoTime()) / 1_000_000L);
  }

  /** From the server, inside the write: schedule the event's delivery, in order. */
  void serverChanged(String name, RingLease lease) {
    if (!watching || partitioned) {
      return;
    }
    long sent = epoch;
    deliver(() -> {
      if (sent != epoch || !watching) {
        return;
      }
      if (lease == null) {
        if (reported.remove(name)) {
          deleted.accept(name);
        }
      } else {
        reported.add(name);
        changed.accept(lease);
      }
    });
  }

  /** The state as of now (events of later writes come after it), delivered after a latency. */
  private void relist() {
    Map<String, RingLease> snapshot = server.snapshot();
    long sent = epoch;
    deliver(() -> {
      if (sent != epoch || !watching) {
        return;
      }
      for (String name : Set.copyOf(reported)) {
        if (!snapshot.containsKey(name) && watching) {
          reported.remove(name);
          deleted.accept(name);
        }
      }
      for (RingLease lease : snapshot.values()) {
        if (watching) {
          reported.add(lease.name());
          changed.accept(lease);
        }
      }
      if (!listed && watching) {
        listed = true;
        synced.run();
      }
    });
  }

  private void deliver(Runnable event) {
    long due = Math.max(lastEventDue, shared.nanoTime() + (latency() + (long) watchLagMillis) * 1_000_000L);
    lastEventDue = due;
    clock.setTimer((due - shared.nanoTime()) / 1_000_000L, event);
  }

  private <T> Future<T> request(String what, Supplier<T> operation) {
    requests++;
    if (closed) {
      afterClose.add(what);
    }
    Promise<T> answer = Promise.promise();
    if (partitioned) {
      if (!hangWhilePartitioned) {
        clock.setTimer(latency(), () -> answer.tryFail(new IllegalStateException("connection refused (partitioned)")));
      }
      return answer.future();
    }
    long sent = epoch;
    shared.setTimer(latency(), () -> {
      if (sent != epoch) {
        return; // lost on the way
      }
      T result;
      RuntimeException error = null;
      try {
        result = operation.get();
      } catch (RuntimeException e) {
        result = null;
        error = e;
      }
      T value = result;
      RuntimeException failure = error;
      clock.setTimer(latency(), () -> {
        if (sent != epoch) {
          return; // the answer is lost: the write may have landed
        }
        if (failure != null) {
          answer.tryFail(failure);
        } else {
          answer.tryComplete(value);
        }
      });
    });
    return answer.future();
  }

  private int latency() {
    return minLatencyMillis + (maxLatencyMillis > minLatencyMillis
        ? random.nextInt(maxLatencyMillis - minLatencyMillis + 1) : 0);
  }
}
