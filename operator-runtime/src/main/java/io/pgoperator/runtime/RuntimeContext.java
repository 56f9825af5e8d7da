package io.pgoperator.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgoperator.runtime.controller.ControllerOptions;
import io.pgoperator.runtime.kube.KubeCalls;
import io.pgoperator.runtime.leader.Leadership;
import io.pgoperator.runtime.ownership.Ownership;
import io.pgoperator.runtime.ownership.SingleLeader;
import io.vertx.core.Vertx;

/**
 * The runtime's parts a {@link ControllerSetup} builds controllers from.
 *
 * @param ownership which keys this replica reconciles now: give it to every controller
 */
public record RuntimeContext(
    Vertx vertx,
    KubernetesClient client,
    KubeCalls calls,
    Ownership ownership,
    MeterRegistry registry,
    RuntimeOptions options) {

  /**
   * The leader election behind {@link #ownership()} when the runtime is not sharded.
   *
   * @throws IllegalStateException when it is (--shards): there is no single leader then
   */
  public Leadership leadership() {
    if (ownership instanceof SingleLeader single) {
      return single.leadership();
    }
    throw new IllegalStateException("the runtime is sharded: there is no single leader, use ownership()");
  }

  /** Controller options with the command line's workers and resync period. */
  public ControllerOptions controllerOptions(String name) {
    return ControllerOptions.named(name)
        .withMaxConcurrentReconciles(options.maxConcurrentReconciles())
        .withResyncPeriod(options.syncPeriod());
  }
}
