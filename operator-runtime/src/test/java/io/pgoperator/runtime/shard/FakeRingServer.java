package io.pgoperator.runtime.shard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The API server's Lease store for the ring, with the compare-and-swap semantics {@link RingApi}
 * documents: integer resourceVersions bumped on every write, a create of an existing name and an
 * update at a stale version (or of a missing Lease) refused with a {@link RingConflictException},
 * a delete at a stale version ignored. Views hear of every write in order.
 */
final class FakeRingServer {

  private final Map<String, RingLease> leases = new TreeMap<>();
  private final List<FakeRingApi> views = new ArrayList<>();
  private final Runnable afterWrite;
  /** Told of every stored Lease with the one it replaced (null when created). */
  java.util.function.BiConsumer<RingLease, RingLease> onStore = (before, after) -> {};
  private long version;
  int writes;

  FakeRingServer(Runnable afterWrite) {
    this.afterWrite = afterWrite;
  }

  void subscribe(FakeRingApi view) {
    views.add(view);
  }

  void unsubscribe(FakeRingApi view) {
    views.remove(view);
  }

  RingLease get(String name) {
    return leases.get(name);
  }

  Map<String, RingLease> snapshot() {
    return Map.copyOf(leases);
  }

  RingLease create(RingLease lease) {
    if (leases.containsKey(lease.name())) {
      throw new RingConflictException("create of " + lease.name() + ": already exists");
    }
    return store(lease);
  }

  RingLease update(RingLease lease) {
    RingLease current = leases.get(lease.name());
    if (current == null) {
      throw new RingConflictException("update of " + lease.name() + ": not found");
    }
    if (!current.resourceVersion().equals(lease.resourceVersion())) {
      throw new RingConflictException("update of " + lease.name() + ": stale resourceVersion "
          + lease.resourceVersion() + ", now " + current.resourceVersion());
    }
    return store(lease);
  }

  void delete(String name, String resourceVersion) {
    RingLease current = leases.get(name);
    if (current != null && current.resourceVersion().equals(resourceVersion)) {
      leases.remove(name);
      writes++;
      notifyViews(name, null);
    }
  }

  /** Another writer (kubectl, a single-leader operator) sets a Lease unconditionally. */
  RingLease put(RingLease lease) {
    return store(lease);
  }

  private RingLease store(RingLease lease) {
    RingLease stored = new RingLease(lease.name(), lease.holder(), lease.transitions(), lease.durationSeconds(),
        lease.acquireTime(), lease.renewTime(), String.valueOf(++version), lease.labels(), lease.annotations());
    RingLease before = leases.put(stored.name(), stored);
    onStore.accept(before, stored);
    writes++;
    notifyViews(stored.name(), stored);
    return stored;
  }

  private void notifyViews(String name, RingLease lease) {
    for (FakeRingApi view : List.copyOf(views)) {
      view.serverChanged(name, lease);
    }
    afterWrite.run();
  }
}
