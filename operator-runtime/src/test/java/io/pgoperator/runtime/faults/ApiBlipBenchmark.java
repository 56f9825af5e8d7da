// Run (numbers only; about 5 minutes):
// mvn -B -pl operator-runtime verify -Dit.test=ApiBlipBenchmark -Dgroups=benchmark -DexcludedGroups= \
//   -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
package io.pgoperator.runtime.faults;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How long an informer needs after the API server comes back from a blip or an outage: the API
 * (through the {@link FaultProxy}) is cut for a while, then a ConfigMap is created the moment it
 * answers again, and the time until the informer delivers it is reported, with the LIST requests
 * the informer made to get there: for the runtime's client ({@link KubeClients#create}: reconnect
 * and retry backoff capped below a second) and for fabric8's defaults (1 s watch reconnect, 100 ms
 * request retry backoff, each doubling up to 32 times).
 */
@Tag("benchmark")
class ApiBlipBenchmark {

  private static final int ROUNDS = 3;

  @Test
  void informerRecoveryAfterBlipsAndOutages() throws Exception {
    StringBuilder table = new StringBuilder(String.format("%-18s %-8s %-34s %s%n", "client", "outage",
        "delivered after (ms, each round)", "LISTs after"));
    Random random = new Random();
    for (boolean runtime : List.of(true, false)) {
      for (int seconds : List.of(1, 8, 30)) {
        List<Long> delays = new ArrayList<>();
        long lists = 0;
        for (int round = 0; round < ROUNDS; round++) {
          // A random part so that the rounds meet the client's backoff at different phases.
          long[] result = measure(runtime, Duration.ofSeconds(seconds).plusMillis(random.nextInt(1000)));
          delays.add(result[0]);
          lists += result[1];
        }
        table.append(String.format("%-18s %-8s %-34s %d%n", runtime ? "runtime" : "fabric8 defaults",
            seconds + "+ s", delays, lists));
      }
    }
    System.out.println(table);
  }

  /** The ms from the API answering again to the fresh object's delivery, and the LISTs made after it. */
  private long[] measure(boolean runtime, Duration outage) throws Exception {
    Envtest server = Envtest.get();
    String namespace = server.createNamespace("blip");
    Vertx vertx = Vertx.vertx();
    try (FaultProxy proxy = FaultProxy.start(server.config())) {
      Config config = proxy.clientConfig(null);
      KubernetesClient client = runtime ? KubeClients.create(vertx, config)
          : new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new Vertx5HttpClientFactory(vertx))
              .build();
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
      return new long[] {Duration.between(up, delivered.get(after)).toMillis(), lists};
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static boolean isList(ProxyRecord record) {
    return record.requestClass() == RequestClass.READ && "GET".equals(record.method())
        && record.path().endsWith("/configmaps");
  }
}
