package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.pgoperator.runtime.reconcile.Request;
import org.junit.jupiter.api.Test;

class RecentWritesTest {

  private final RecentWrites recent = new RecentWrites();
  private final Request cluster = new Request("shop", "orders");
  private final ConfigMap v1 = configMap("1", "a");
  private final ConfigMap v2 = configMap("2", "b");

  @Test
  void aCacheStillShowingTheVersionAnUpdateReplacedYieldsTheUpdate() {
    recent.updated(cluster, v1, v2);
    assertThat(recent.latest(cluster, v1)).isSameAs(v2);
  }

  @Test
  void onceTheCacheShowsAnotherVersionTheCacheWinsAndTheEntryIsDropped() {
    recent.updated(cluster, v1, v2);
    ConfigMap v3 = configMap("3", "c");
    assertThat(recent.latest(cluster, v3)).isSameAs(v3);
    assertThat(recent.size()).isZero();
    assertThat(recent.latest(cluster, v1)).isSameAs(v1);
  }

  @Test
  void aCacheStillShowingADeletedVersionYieldsNothing() {
    recent.deleted(cluster, v1);
    assertThat(recent.latest(cluster, v1)).isNull();
    assertThat(recent.latest(cluster, (ConfigMap) null)).isNull();
  }

  @Test
  void entriesGoWithTheirCluster() {
    recent.updated(cluster, v1, v2);
    recent.updated(new Request("shop", "other"), v1, v2);
    recent.forget(cluster);
    assertThat(recent.size()).isEqualTo(1);
    assertThat(recent.latest(cluster, v1)).isSameAs(v1);
  }

  private static ConfigMap configMap(String resourceVersion, String value) {
    return new ConfigMapBuilder().withNewMetadata().withName("orders-config").withNamespace("shop")
        .withResourceVersion(resourceVersion).endMetadata().addToData("k", value).build();
  }
}
