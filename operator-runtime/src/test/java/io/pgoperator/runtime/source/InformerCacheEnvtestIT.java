package io.pgoperator.runtime.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.runtime.kube.KubeClients;
import io.pgoperator.runtime.reconcile.Request;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What an informer source caches, on a real API server (which keeps managedFields). */
@ExtendWith(EnvtestDiagnostics.class)
class InformerCacheEnvtestIT {

  private final Envtest server = Envtest.get();
  private final Vertx vertx = Vertx.vertx();
  private final KubernetesClient client = KubeClients.create(vertx, server.config());
  private InformerSource<ConfigMap> source;

  @AfterEach
  void stop() throws Exception {
    if (source != null) {
      vertx.runOnContext(v -> source.stop());
    }
    client.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void cachesObjectsWithoutManagedFieldsAndUpdatesFromTheCacheKeepTheServersOwn() throws Exception {
    String namespace = server.createNamespace("cache");
    server.client().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
        .withNewMetadata().withName("applied").withLabels(Map.of("app", "x")).endMetadata()
        .addToData("k", "v").build()).fieldManager("someone").serverSideApply();
    List<Request> delivered = new CopyOnWriteArrayList<>();
    source = new InformerSource<>(client, ConfigMap.class, List.of(namespace), Map.of("app", "x"), KeyMapper.self());
    vertx.runOnContext(v -> source.start(vertx.getOrCreateContext(), (key, live) -> delivered.add(key)));

    Await.until("the source synced and delivered the object", () -> source.hasSynced()
        && delivered.contains(new Request(namespace, "applied")));
    ConfigMap cached = source.get(new Request(namespace, "applied"));
    assertThat(cached.getData()).containsEntry("k", "v");
    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(server.client().configMaps().inNamespace(namespace).withName("applied").get()
        .getMetadata().getManagedFields()).extracting("manager").contains("someone");

    ConfigMap changed = new ConfigMapBuilder(cached).addToData("k", "changed").build();
    server.client().resource(changed).update();
    ConfigMap stored = server.client().configMaps().inNamespace(namespace).withName("applied").get();
    assertThat(stored.getData()).containsEntry("k", "changed");
    assertThat(stored.getMetadata().getManagedFields()).as("an update without managedFields keeps them")
        .extracting("manager").contains("someone");
  }

  @Test
  void aTransformDecidesWhatIsCachedAndTheCacheStillFollowsEveryChange() throws Exception {
    String namespace = server.createNamespace("transform");
    for (String name : List.of("one", "two")) {
      server.client().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
          .withNewMetadata().withName(name).withLabels(Map.of("app", "x")).endMetadata()
          .addToData("script", "the same in both").addToBinaryData("blob", "AAAA").build()).create();
    }
    Map<Request, Boolean> delivered = new java.util.concurrent.ConcurrentHashMap<>();
    source = new InformerSource<>(client, ConfigMap.class, List.of(namespace), Map.of(), KeyMapper.self(),
        configMap -> {
          configMap.setBinaryData(null);
          return configMap;
        });
    vertx.runOnContext(v -> source.start(vertx.getOrCreateContext(), (key, live) -> delivered.merge(key, live,
        Boolean::logicalOr)));
    Request one = new Request(namespace, "one");
    Await.until("the source synced", () -> source.hasSynced() && source.cachedKeys().size() == 2);

    ConfigMap cached = source.get(one);
    assertThat(cached.getBinaryData()).as("dropped by the transform").isNullOrEmpty();
    assertThat(cached.getData()).containsEntry("script", "the same in both");
    assertThat(cached.getData()).as("equal parts of two cached objects are one")
        .isSameAs(source.get(new Request(namespace, "two")).getData());

    ConfigMap updated = server.client().configMaps().inNamespace(namespace).withName("one")
        .edit(cm -> new ConfigMapBuilder(cm).addToData("script", "changed").build());
    Await.until("the change cached and delivered as live", () -> Boolean.TRUE.equals(delivered.get(one))
        && updated.getMetadata().getResourceVersion().equals(source.get(one).getMetadata().getResourceVersion()));
    assertThat(source.get(one).getData()).containsEntry("script", "changed");

    server.client().configMaps().inNamespace(namespace).withName("one").delete();
    Await.until("the deletion seen", () -> source.get(one) == null);
    assertThat(source.cachedKeys()).containsExactly(new Request(namespace, "two"));
  }

  @Test
  void everyObjectOfTheInitialListIsDeliveredAsBacklogAndOnlyLaterChangesAsLive() throws Exception {
    String namespace = server.createNamespace("boundary");
    int listed = 300;
    for (int i = 0; i < listed; i++) {
      server.client().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
          .withNewMetadata().withName("listed-" + i).endMetadata().build()).create();
    }
    Map<Request, Boolean> liveness = new java.util.concurrent.ConcurrentHashMap<>();
    source = new InformerSource<>(client, ConfigMap.class, List.of(namespace), KeyMapper.self());
    vertx.runOnContext(v -> source.start(vertx.getOrCreateContext(), (key, live) -> liveness.merge(key, live,
        Boolean::logicalOr)));
    Await.until("the whole list delivered", () -> source.hasSynced() && liveness.size() >= listed);

    server.client().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
        .withNewMetadata().withName("fresh").endMetadata().build()).create();
    Request fresh = new Request(namespace, "fresh");
    Await.until("the fresh object delivered", () -> liveness.containsKey(fresh));

    assertThat(liveness.get(fresh)).as("created after the list: live").isTrue();
    assertThat(liveness.entrySet()).filteredOn(e -> !e.getKey().equals(fresh))
        .as("not one item of the initial list counted as live").allSatisfy(e -> assertThat(e.getValue()).isFalse());
  }
}
