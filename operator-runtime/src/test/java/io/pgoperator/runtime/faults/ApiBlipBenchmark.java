// Run (numbers only; about 2 minutes):
// mvn -B -pl operator-runtime verify -Dit.test=ApiBlipBenchmark -Dgroups=benchmark -DexcludedGroups= \
//   -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
package io.pgoperator.runtime.faults;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.runtime.kube.KubeClients;
import io.pgoperator.runtime.reconcile.Request;
import io.pgoperator.runtime.source.InformerSource;
import io.pgoperator.runtime.source.KeyMapper;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.faults.FaultProxy;
import io.pgoperator.runtime.testing.faults.ProxyRecord;
import io.pgoperator.runtime.testing.faults.RequestClass;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How long an informer needs after the API server comes back from a blip or an outage: the API
 * (through the {@link FaultProxy}) is cut for a while, then a ConfigMap is created the moment it
 * answers again, and the time until the informer delivers it is reported, with the LIST requests
 * the informer made to get there, for fabric8's reconnect interval as configured.
 */
@Tag("benchmark")
class ApiBlipBenchmark {

  @Test
  void informerRecoveryAfterBlipsAndOutages() throws Exception {
    StringBuilder table = new StringBuilder(String.format("%-22s %-8s %-14s %s%n", "watchReconnectInterval",
        "outage", "delivered after", "LISTs after"));
    for (int interval : List.of(1000, 250, 100)) {
      for (Duration outage : List.of(Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(30))) {
        table.append(measure(interval, outage));
      }
    }
    System.out.println(table);
  }

  private String measure(int reconnectMillis, Duration outage) throws Exception {
    Envtest server = Envtest.get();
    String namespace = server.createNamespace("blip");
    Vertx vertx = Vertx.vertx();
    try (FaultProxy proxy = FaultProxy.start(server.config())) {
      Config config = proxy.clientConfig(null);
      config.setWatchReconnectInterval(reconnectMillis);
      KubernetesClient client = KubeClients.create(vertx, config);
      InformerSource<ConfigMap> source = new InformerSource<>(client, ConfigMap.class, List.of(namespace),
          KeyMapper.self());
      Map<Request, Instant> delivered = new ConcurrentHashMap<>();
      vertx.runOnContext(v -> source.start(vertx.getOrCreateContext(),
          (key, live) -> delivered.putIfAbsent(key, Instant.now())));
      Await.until("synced", source::hasSynced);

      proxy.outage(true);
      Instant down = Instant.now();
      Await.until("the outage lasts", outage.plusSeconds(10), () -> Instant.now().isAfter(down.plus(outage)));
      proxy.outage(false);
      Instant up = Instant.now();
      server.client().configMaps().inNamespace(namespace)
          .resource(new ConfigMapBuilder().withNewMetadata().withName("after").endMetadata().build()).create();
      Request after = new Request(namespace, "after");
      Await.until("delivered", Duration.ofMinutes(2), () -> delivered.containsKey(after));
      long lists = proxy.log().stream().filter(r -> isList(r) && !r.received().isBefore(up)).count();
      vertx.runOnContext(v -> source.stop());
      client.close();
      return String.format("%-22s %-8s %-14s %d%n", reconnectMillis + " ms", outage.toSeconds() + " s",
          Duration.between(up, delivered.get(after)).toMillis() + " ms", lists);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static boolean isList(ProxyRecord record) {
    return record.requestClass() == RequestClass.READ && "GET".equals(record.method())
        && record.path().endsWith("/configmaps");
  }
}
