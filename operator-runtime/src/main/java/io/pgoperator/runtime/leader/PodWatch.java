package io.pgoperator.runtime.leader;

import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * Watches the one Pod the current Lease holder runs in, so that a standby hears the kubelet's
 * report on the holder's process (see {@link HolderDeath}). Non-blocking; reports arrive on the
 * elector's context. Production: {@link KubePodWatch}; tests: a fake the test feeds.
 */
interface PodWatch {

  /** A watch that never reports: crash takeover waits for the Lease to expire. */
  PodWatch NONE = new PodWatch() {
    @Override
    public void start(Consumer<Pod> onChange) {}

    @Override
    public void follow(HolderPod pod) {}

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  };

  /** Sets where reports go: every version of the followed Pod, null when it does not exist. */
  void start(Consumer<Pod> onChange);

  /** Follows {@code pod} from now on, or nothing when null; the same Pod again is a no-op. */
  void follow(HolderPod pod);

  /** Stops watching; completes once the watch is closed (never fails). */
  Future<Void> close();
}
