package io.pgoperator.runtime.leader;

import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * Wraps the real {@link KubeLeaseApi} for the mock-server test and keeps its watch open after the
 * elector stops, until the test has seen every event arrive. The fabric8 mock server (8.0.0) can
 * block its event loop for a minute when a watch closes while it still has events queued for it,
 * which then fails its shutdown; closing only once all events are in avoids that.
 */
final class DeferredCloseLeaseApi implements LeaseApi {

  private final LeaseApi delegate;
  private volatile String lastDeliveredVersion;

  DeferredCloseLeaseApi(LeaseApi delegate) {
    this.delegate = delegate;
  }

  @Override
  public Future<LeaseRecord> get() {
    return delegate.get();
  }

  @Override
  public Future<LeaseRecord> create(LeaseRecord record) {
    return delegate.create(record);
  }

  @Override
  public Future<LeaseRecord> update(LeaseRecord record) {
    return delegate.update(record);
  }

  @Override
  public void watch(Consumer<LeaseRecord> onChange) {
    delegate.watch(record -> {
      lastDeliveredVersion = record == null ? null : record.resourceVersion();
      onChange.accept(record);
    });
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  String lastDeliveredVersion() {
    return lastDeliveredVersion;
  }

  /** Closes the real watch; called from the test thread, which is not an event loop. */
  void reallyClose() {
    delegate.close();
  }
}
