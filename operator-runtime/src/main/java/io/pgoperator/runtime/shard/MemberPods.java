package io.pgoperator.runtime.shard;

import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Future;

/**
 * The kubelet's reports on the Pods the ring's members run in, so that a member whose process the
 * kubelet reports gone is reaped at once instead of after its Lease expires (the rule of {@code
 * HolderDeath}). Non-blocking; {@code onChange} runs on the ring's context.
 */
interface MemberPods {

  /** No reports: a crashed member's slots are taken once its Lease expires. */
  MemberPods NONE = new MemberPods() {
    @Override
    public void start(Runnable onChange) {}

    @Override
    public Pod get(String namespace, String name) {
      return null;
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  };

  /** Starts watching; {@code onChange} runs after each change of a watched Pod. */
  void start(Runnable onChange);

  /** The Pod as last reported, or null when unknown or gone. */
  Pod get(String namespace, String name);

  /** Stops watching; never fails. */
  Future<Void> close();
}
