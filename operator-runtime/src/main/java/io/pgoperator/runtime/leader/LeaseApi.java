package io.pgoperator.runtime.leader;

import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * The few Lease operations the election needs, all non-blocking. Futures complete on the
 * elector's context; {@code onChange} is called there too. Production: {@link KubeLeaseApi};
 * tests: a fake with futures the test completes.
 */
interface LeaseApi {

  /** The Lease as stored now, or null when it does not exist. */
  Future<LeaseRecord> get();

  /** Creates the Lease; fails with {@link LeaseConflictException} if it already exists. */
  Future<LeaseRecord> create(LeaseRecord record);

  /**
   * Replaces the Lease's election fields, on the condition that it is still at {@code
   * record.resourceVersion()}; fails with {@link LeaseConflictException} if it is not, or if the
   * Lease no longer exists.
   */
  Future<LeaseRecord> update(LeaseRecord record);

  /** Starts reporting every change of the Lease (null: deleted) until {@link #close()}. */
  void watch(Consumer<LeaseRecord> onChange);

  /** Stops the watch; completes once it is closed (never fails). */
  Future<Void> close();
}
