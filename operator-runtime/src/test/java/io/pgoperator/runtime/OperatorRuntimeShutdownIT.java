package io.pgoperator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.pgoperator.runtime.controller.ControllerVerticle;
import io.pgoperator.runtime.http.BindAddress;
import io.pgoperator.runtime.leader.LeaderElectionConfig;
import io.pgoperator.runtime.reconcile.Reconciler;
import io.pgoperator.runtime.reconcile.Result;
import io.pgoperator.runtime.source.InformerSource;
import io.pgoperator.runtime.source.KeyMapper;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A stopping leader releases its Lease (a standby takes over at once) only when every reconcile
 * has finished; when the drain times out with one still running, which may still write until its
 * term ends, the Lease is left to expire.
 */
@ExtendWith(EnvtestDiagnostics.class)
class OperatorRuntimeShutdownIT {

  private static final String LEASE = "shutdown-test";
  private static final String IDENTITY = "replica-under-test";

  @Test
  void aDrainThatTimesOutLeavesTheLeaseToExpire() throws Exception {
    String namespace = Envtest.get().createNamespace("shutdown-hung");
    AtomicInteger started = new AtomicInteger();
    // Never completes: a reconcile stuck on a slow call.
    Reconciler hung = request -> {
      started.incrementAndGet();
      return Promise.<Result>promise().future();
    };
    stopWhileReconciling(namespace, hung, started);

    assertThat(lease(namespace).getSpec().getHolderIdentity()).as("not released").isEqualTo(IDENTITY);
  }

  @Test
  void aCompleteDrainReleasesTheLease() throws Exception {
    String namespace = Envtest.get().createNamespace("shutdown-drained");
    AtomicInteger started = new AtomicInteger();
    Reconciler quick = request -> {
      started.incrementAndGet();
      return Future.succeededFuture(Result.done());
    };
    stopWhileReconciling(namespace, quick, started);

    assertThat(lease(namespace).getSpec().getHolderIdentity()).as("released for a fast handover").isEmpty();
  }

  private static void stopWhileReconciling(String namespace, Reconciler reconciler, AtomicInteger started)
      throws Exception {
    LeaderElectionConfig election = LeaderElectionConfig.of(namespace, LEASE).withIdentity(IDENTITY)
        .withTimings(Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofSeconds(1));
    RuntimeOptions options = new RuntimeOptions(BindAddress.parse("127.0.0.1:0"), BindAddress.parse("127.0.0.1:0"),
        Optional.of(election), List.of(namespace), 1, Duration.ZERO, Duration.ofSeconds(2));
    OperatorRuntime runtime = OperatorRuntime.start(options, Envtest.get().config(), context -> List.of(
        new ControllerVerticle(context.controllerOptions("shutdown"),
            new InformerSource<>(context.client(), ConfigMap.class, List.of(namespace), KeyMapper.self()),
            List.of(), reconciler, context.leadership(), context.registry())))
        .await(60, TimeUnit.SECONDS);
    Await.until("the replica leads", () -> runtime.leadership().isLeader());
    Envtest.get().client().configMaps().inNamespace(namespace)
        .resource(new ConfigMapBuilder().withNewMetadata().withName("work").endMetadata().build()).create();
    Await.until("a reconcile started", () -> started.get() > 0);

    runtime.stop().await(30, TimeUnit.SECONDS);
  }

  private static Lease lease(String namespace) {
    return Envtest.get().client().leases().inNamespace(namespace).withName(LEASE).get();
  }
}
