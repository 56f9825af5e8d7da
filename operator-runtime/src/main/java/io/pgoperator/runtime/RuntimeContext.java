package io.pgoperator.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgoperator.runtime.controller.ControllerOptions;
import io.pgoperator.runtime.kube.KubeCalls;
import io.pgoperator.runtime.leader.Leadership;
import io.vertx.core.Vertx;

/** The runtime's parts a {@link ControllerSetup} builds controllers from. */
public record RuntimeContext(
    Vertx vertx,
    KubernetesClient client,
    KubeCalls calls,
    Leadership leadership,
    MeterRegistry registry,
    RuntimeOptions options) {

  /** Controller options with the command line's workers and resync period. */
  public ControllerOptions controllerOptions(String name) {
    return ControllerOptions.named(name)
        .withMaxConcurrentReconciles(options.maxConcurrentReconciles())
        .withResyncPeriod(options.syncPeriod());
  }
}
