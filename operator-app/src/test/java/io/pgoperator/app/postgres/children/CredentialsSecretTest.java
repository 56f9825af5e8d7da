package io.pgoperator.app.postgres.children;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.pgoperator.app.postgres.Clusters;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CredentialsSecretTest {

  private final Secret secret =
      CredentialsSecret.build(Clusters.full("orders"), new Passwords(new Random(42)));

  @Test
  void secretIsNamedAndOwnedLikeEveryChild() {
    assertThat(secret.getMetadata().getName()).isEqualTo("orders-credentials");
    assertThat(secret.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(secret.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/component", "credentials")
        .containsEntry("app.kubernetes.io/instance", "orders");
    assertThat(secret.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(Clusters.UID));
    assertThat(secret.getType()).isEqualTo("Opaque");
  }

  @Test
  void secretHoldsEverythingAnApplicationNeedsToConnect() {
    assertThat(secret.getData()).containsOnlyKeys("username", "password", "database", "host",
        "port", "uri", "replication-username", "replication-password");
    assertThat(value("username")).isEqualTo("orders_app");
    assertThat(value("database")).isEqualTo("orders");
    assertThat(value("host")).isEqualTo("orders-rw.shop.svc");
    assertThat(value("port")).isEqualTo("5432");
    assertThat(value("replication-username")).isEqualTo("replicator");
    assertThat(value("uri")).isEqualTo("postgresql://orders_app:" + value("password")
        + "@orders-rw.shop.svc:5432/orders");
  }

  @Test
  void passwordsComeFromTheInjectedSourceAndDiffer() {
    Passwords expected = new Passwords(new Random(42));
    assertThat(value("password")).isEqualTo(expected.next()).hasSizeGreaterThanOrEqualTo(24);
    assertThat(value("replication-password")).isEqualTo(expected.next())
        .isNotEqualTo(value("password"));
    Secret again = CredentialsSecret.build(Clusters.full("orders"), new Passwords(new Random(42)));
    assertThat(again).isEqualTo(secret);
  }

  @Test
  void defaultsApplyWhenDatabaseAndOwnerAreUnset() {
    Secret demo = CredentialsSecret.build(Clusters.minimal("demo-app"),
        new Passwords(new Random(1)));
    assertThat(CredentialsSecret.value(demo, "username")).isEqualTo("demo_app");
    assertThat(CredentialsSecret.value(demo, "database")).isEqualTo("demo_app");
  }

  private String value(String key) {
    return CredentialsSecret.value(secret, key);
  }
}
