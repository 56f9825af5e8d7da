package io.pgoperator.runtime.leader;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Consumer;

/**
 * A real Lease API whose writes can be cut off, as a network partition between one replica and
 * the API server would: while partitioned, creates and updates never answer. Reads and the watch
 * keep working, so the replica still sees others take over.
 */
final class PartitionableLeaseApi implements LeaseApi {

  private final LeaseApi delegate;
  private volatile boolean partitioned;

  PartitionableLeaseApi(LeaseApi delegate) {
    this.delegate = delegate;
  }

  void partition(boolean partitioned) {
    this.partitioned = partitioned;
  }

  @Override
  public Future<LeaseRecord> get() {
    return delegate.get();
  }

  @Override
  public Future<LeaseRecord> create(LeaseRecord record) {
    return partitioned ? Promise.<LeaseRecord>promise().future() : delegate.create(record);
  }

  @Override
  public Future<LeaseRecord> update(LeaseRecord record) {
    return partitioned ? Promise.<LeaseRecord>promise().future() : delegate.update(record);
  }

  @Override
  public void watch(Consumer<LeaseRecord> onChange) {
    delegate.watch(onChange);
  }

  @Override
  public Future<Void> close() {
    return delegate.close();
  }
}
