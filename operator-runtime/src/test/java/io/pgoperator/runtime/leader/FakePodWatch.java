package io.pgoperator.runtime.leader;

import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A {@link PodWatch} the test feeds: it records what the elector follows and reports what it is told. */
final class FakePodWatch implements PodWatch {

  final List<HolderPod> followed = new ArrayList<>();
  private Consumer<Pod> onChange;
  boolean closed;

  @Override
  public void start(Consumer<Pod> onChange) {
    this.onChange = onChange;
  }

  @Override
  public void follow(HolderPod pod) {
    followed.add(pod);
  }

  /** The Pod followed last, null if none. */
  HolderPod current() {
    return followed.isEmpty() ? null : followed.get(followed.size() - 1);
  }

  /** The kubelet's report arrives (null: the Pod is gone). */
  void report(Pod pod) {
    onChange.accept(pod);
  }

  @Override
  public Future<Void> close() {
    closed = true;
    return Future.succeededFuture();
  }
}
