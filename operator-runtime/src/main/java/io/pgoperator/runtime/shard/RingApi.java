package io.pgoperator.runtime.shard;

import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * The Lease operations the ring needs, all non-blocking; futures complete, and watch callbacks
 * run, on the ring's context. Production: {@link KubeRingApi}; tests: a fake shared by several
 * rings, with latency, partitions and pauses.
 */
interface RingApi {

  /**
   * Starts reporting the ring's Leases (and the single-leader Lease named like the ring): {@code
   * changed} for each one seen or changed, {@code deleted} with the name of one gone, and {@code
   * synced} once after the first complete listing. Events of one Lease arrive in order.
   */
  void watch(Consumer<RingLease> changed, Consumer<String> deleted, Runnable synced);

  /**
   * The ring's own Leases (members and slots) as stored now, one consistent listing: the fallback
   * for a watch that stopped without saying so.
   */
  Future<java.util.List<RingLease>> list();

  /** The Lease as stored now (a quorum read), or null when it does not exist. */
  Future<RingLease> get(String name);

  /** Creates the Lease; fails with a {@link RingConflictException} if it exists. */
  Future<RingLease> create(RingLease lease);

  /**
   * Replaces the Lease if it is still at {@code lease.resourceVersion()}; fails with a {@link
   * RingConflictException} if it is not, or if the Lease no longer exists.
   */
  Future<RingLease> update(RingLease lease);

  /** Deletes the Lease if it is still at {@code resourceVersion}; a Lease already gone or changed is left. */
  Future<Void> delete(String name, String resourceVersion);

  /** Stops the watch; never fails. */
  Future<Void> close();
}
