package io.pgoperator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.pgoperator.runtime.controller.ControllerVerticle;
import io.pgoperator.runtime.http.BindAddress;
import io.pgoperator.runtime.leader.LeaderElectionConfig;
import io.pgoperator.runtime.reconcile.Reconciler;
import io.pgoperator.runtime.reconcile.Request;
import io.pgoperator.runtime.reconcile.Result;
import io.pgoperator.runtime.source.InformerSource;
import io.pgoperator.runtime.source.KeyMapper;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import io.pgoperator.runtime.testing.faults.FaultProxy;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A standby keeps its takeover path warm: once its caches synced, each reconciler's warm-up has
 * run (once), and its write client has reached the API server (a read, seen by the proxy in
 * front of it), though it reconciles nothing and writes nothing.
 */
@ExtendWith(EnvtestDiagnostics.class)
class OperatorRuntimeWarmUpIT {

  @Test
  void aStandbyWarmsUpItsReconcilerAndItsWriteConnectionWithoutWriting() throws Exception {
    String namespace = Envtest.get().createNamespace("warm-up");
    // Someone else holds the Lease for a minute: this replica stays a standby.
    ZonedDateTime now = ZonedDateTime.now();
    Envtest.get().client().leases().inNamespace(namespace).resource(new LeaseBuilder()
        .withNewMetadata().withName("warm-up-test").endMetadata()
        .withNewSpec().withHolderIdentity("someone-else").withLeaseDurationSeconds(60).withAcquireTime(now)
        .withRenewTime(now).endSpec().build()).create();
    Envtest.get().client().configMaps().inNamespace(namespace)
        .resource(new ConfigMapBuilder().withNewMetadata().withName("work").endMetadata().build()).create();
    AtomicInteger warmUps = new AtomicInteger();
    AtomicInteger reconciles = new AtomicInteger();
    Reconciler reconciler = new Reconciler() {
      @Override
      public Future<Result> reconcile(Request request) {
        reconciles.incrementAndGet();
        return Future.succeededFuture(Result.done());
      }

      @Override
      public void warmUp() {
        warmUps.incrementAndGet();
      }
    };
    LeaderElectionConfig election = LeaderElectionConfig.of(namespace, "warm-up-test").withIdentity("standby")
        .withTimings(Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofSeconds(1));
    RuntimeOptions options = new RuntimeOptions(BindAddress.parse("127.0.0.1:0"), BindAddress.parse("127.0.0.1:0"),
        Optional.of(election), List.of(namespace), 1, Duration.ZERO, Duration.ofSeconds(2), Duration.ofMinutes(1));
    try (FaultProxy proxy = FaultProxy.start(Envtest.get().config())) {
      OperatorRuntime runtime = OperatorRuntime.start(options, proxy.clientConfig(null), context -> List.of(
              new ControllerVerticle(context.controllerOptions("warm-up"),
                  new InformerSource<>(context.client(), ConfigMap.class, List.of(namespace), KeyMapper.self()),
                  List.of(), reconciler, context.leadership(), context.registry())))
          .await(60, TimeUnit.SECONDS);
      try {
        Await.until("the reconciler warmed up", () -> warmUps.get() == 1);
        Await.until("the write client read /version", () -> proxy.log().stream()
            .anyMatch(r -> "GET".equals(r.method()) && "/version".equals(r.path()) && r.status() != null
                && r.status() == 200));
        assertThat(runtime.leadership().isLeader()).isFalse();
        assertThat(reconciles.get()).as("a standby reconciles nothing").isZero();
        assertThat(proxy.log()).as("and writes nothing").noneMatch(r -> !"GET".equals(r.method())
            && !r.path().contains("/leases"));
        assertThat(warmUps.get()).isEqualTo(1);
      } finally {
        runtime.stop().await(30, TimeUnit.SECONDS);
      }
    }
  }
}
