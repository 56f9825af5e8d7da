package io.pgoperator.runtime.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the runtime's clients make of a watch event's object, whose class comes from its kind. */
class KubeClientsTest {

  private final Vertx vertx = Vertx.vertx();
  private final Config config = new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:1").build();

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aWatchErrorIsAStatusSoThatAnExpiredWatchRelists() {
    WatchEvent event = serialization().unmarshal("""
        {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
        "message":"too old resource version: 1 (42)","reason":"Expired","code":410}}""", WatchEvent.class);

    assertThat(event.getObject()).isInstanceOfSatisfying(Status.class, status -> assertThat(status.getCode()).isEqualTo(410));
  }

  @Test
  void registeredKindsAreReadAsTheirClassAndOthersGeneric() {
    KubeClients.register(StatefulSet.class);

    assertThat(eventObject("v1", "Pod")).isInstanceOf(Pod.class);
    assertThat(eventObject("apps/v1", "StatefulSet")).isInstanceOf(StatefulSet.class);
    // No class-path scan: a kind nobody registered stays generic (a watch converts it to its own type).
    assertThat(eventObject("batch/v1", "Job")).isExactlyInstanceOf(GenericKubernetesResource.class);
  }

  @Test
  void everyClientSharesOneSerialization() {
    try (KubernetesClient reads = KubeClients.create(vertx, config);
        KubernetesClient leases = KubeClients.createForLease(vertx, config, Duration.ofSeconds(1));
        KubernetesClient writes = KubeClients.createFenced(vertx, config, Duration.ofSeconds(1))) {
      assertThat(leases.getKubernetesSerialization()).isSameAs(reads.getKubernetesSerialization());
      assertThat(writes.getKubernetesSerialization()).isSameAs(reads.getKubernetesSerialization());
    }
  }

  private Object eventObject(String apiVersion, String kind) {
    return serialization().unmarshal("{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\""
        + kind + "\",\"metadata\":{\"name\":\"a\",\"namespace\":\"b\"}}}", WatchEvent.class).getObject();
  }

  private KubernetesSerialization serialization() {
    try (KubernetesClient client = KubeClients.create(vertx, config)) {
      return client.getKubernetesSerialization();
    }
  }
}
