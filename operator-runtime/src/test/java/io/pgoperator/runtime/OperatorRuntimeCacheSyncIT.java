package io.pgoperator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.pgoperator.runtime.controller.ControllerVerticle;
import io.pgoperator.runtime.http.BindAddress;
import io.pgoperator.runtime.http.TestHttp;
import io.pgoperator.runtime.leader.LeaderElectionConfig;
import io.pgoperator.runtime.reconcile.Result;
import io.pgoperator.runtime.source.InformerSource;
import io.pgoperator.runtime.source.KeyMapper;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A replica whose caches cannot sync (here: a CRD that is not installed) never competes for the
 * Lease, and once --cache-sync-timeout has passed its /healthz fails, naming the check.
 */
@ExtendWith(EnvtestDiagnostics.class)
class OperatorRuntimeCacheSyncIT {

  @Test
  void aReplicaWhoseCachesNeverSyncDoesNotLeadAndFailsHealthz() throws Exception {
    String namespace = Envtest.get().createNamespace("cache-sync");
    LeaderElectionConfig election = LeaderElectionConfig.of(namespace, "cache-sync-test").withIdentity("unsynced")
        .withTimings(Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofSeconds(1));
    RuntimeOptions options = new RuntimeOptions(BindAddress.parse("127.0.0.1:0"), BindAddress.parse("127.0.0.1:0"),
        Optional.of(election), List.of(namespace), 1, Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(2));
    OperatorRuntime runtime = OperatorRuntime.start(options, Envtest.get().config(), context -> List.of(
        new ControllerVerticle(context.controllerOptions("unsynced"),
            new InformerSource<>(context.client(), ConfigMap.class, List.of(namespace), KeyMapper.self()),
            List.of(new InformerSource<>(context.client(), UninstalledWidget.class, List.of(namespace),
                KeyMapper.self())),
            request -> Future.succeededFuture(Result.done()), context.leadership(), context.registry())))
        .await(60, TimeUnit.SECONDS);
    Vertx vertx = Vertx.vertx();
    try {
      TestHttp http = new TestHttp(vertx, runtime.probePort());
      // A request that goes unanswered (seen once in a full run, from this test's own client) is
      // asked again rather than failing the test; the server's answer is what is judged.
      Await.until("/healthz fails once the cache-sync timeout has passed", Duration.ofMinutes(2), () -> {
        try {
          return http.get("/healthz?verbose").status() == 503;
        } catch (AssertionError unanswered) {
          return false;
        }
      });
      assertThat(http.get("/healthz?verbose").body()).contains("[-]cache-sync failed");
      assertThat(runtime.leadership().isLeader()).isFalse();
      assertThat(Envtest.get().client().leases().inNamespace(namespace).withName("cache-sync-test").get())
          .as("it never competed: no Lease was created").isNull();
    } finally {
      runtime.stop().await(30, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
