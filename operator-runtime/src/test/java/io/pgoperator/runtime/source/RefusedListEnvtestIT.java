package io.pgoperator.runtime.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.runtime.kube.KubeClients;
import io.pgoperator.runtime.reconcile.Request;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import io.pgoperator.runtime.testing.faults.FaultProxy;
import io.pgoperator.runtime.testing.faults.ProxyRecord;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An informer whose initial list the API server refuses (here 404: the CRD is not installed yet)
 * is tried again from a fresh informer, with a growing wait, and syncs and delivers events once
 * the resource type exists; it does not give up.
 */
@ExtendWith(EnvtestDiagnostics.class)
class RefusedListEnvtestIT {

  private static final String CRD = "latewidgets.late-installed.example.com";

  @Test
  void aListRefusedBecauseTheCrdIsMissingSyncsOnceTheCrdIsInstalled() throws Exception {
    Envtest server = Envtest.get();
    String namespace = server.createNamespace("refused");
    Vertx vertx = Vertx.vertx();
    try (FaultProxy proxy = FaultProxy.start(server.config())) {
      KubernetesClient client = KubeClients.create(vertx, proxy.clientConfig(null));
      InformerSource<LateWidget> source = new InformerSource<>(client, LateWidget.class, List.of(namespace),
          KeyMapper.self());
      Map<Request, Boolean> delivered = new ConcurrentHashMap<>();
      vertx.runOnContext(v -> source.start(vertx.getOrCreateContext(), delivered::put));

      Await.until("the list was refused twice (a fresh informer tried again)", Duration.ofSeconds(60),
          () -> refusedLists(proxy) >= 2);
      assertThat(source.hasSynced()).isFalse();
      server.client().apiextensions().v1().customResourceDefinitions().resource(crd()).create();
      server.awaitEstablished(CRD);

      Await.until("synced once the CRD exists", Duration.ofMinutes(1), source::hasSynced);
      server.client().genericKubernetesResources("late-installed.example.com/v1", "LateWidget").inNamespace(namespace)
          .resource(new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
              .withApiVersion("late-installed.example.com/v1").withKind("LateWidget")
              .withNewMetadata().withName("first").endMetadata().build()).create();
      Await.until("a new object is delivered, as live", () -> Boolean.TRUE.equals(
          delivered.get(new Request(namespace, "first"))));
      vertx.runOnContext(v -> source.stop());
      client.close();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static long refusedLists(FaultProxy proxy) {
    return proxy.log().stream().filter(RefusedListEnvtestIT::isRefusedList).count();
  }

  private static boolean isRefusedList(ProxyRecord r) {
    return "GET".equals(r.method()) && r.path().endsWith("/latewidgets") && r.status() != null && r.status() == 404;
  }

  private static CustomResourceDefinition crd() {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(CRD).endMetadata()
        .withNewSpec().withGroup("late-installed.example.com").withScope("Namespaced")
        .withNewNames().withKind("LateWidget").withPlural("latewidgets").withSingular("latewidget").endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema().endSchema()
        .endVersion().endSpec().build();
  }
}
