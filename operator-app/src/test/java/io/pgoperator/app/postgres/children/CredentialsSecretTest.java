package io.pgoperator.app.postgres.children;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.pgoperator.app.postgres.Clusters;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CredentialsSecretTest {

  private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  private final Secret secret =
      CredentialsSecret.build(Clusters.full("orders"), new Passwords(new Random(42)), CA);

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
  void secretHoldsEverythingAnApplicationNeedsToConnectOverVerifiedTlsAndNothingMore() {
    assertThat(secret.getData()).containsOnlyKeys("username", "password", "database", "host",
        "port", "uri", "sslmode", "ca.crt");
    assertThat(value("username")).isEqualTo("orders_app");
    assertThat(value("database")).isEqualTo("orders");
    assertThat(value("host")).isEqualTo("orders-rw.shop.svc");
    assertThat(value("port")).isEqualTo("5432");
    assertThat(value("sslmode")).isEqualTo("verify-full");
    assertThat(value("ca.crt")).isEqualTo(CA);
    assertThat(value("uri")).isEqualTo("postgresql://orders_app:" + value("password")
        + "@orders-rw.shop.svc:5432/orders?sslmode=verify-full");
  }

  @Test
  void theCaPartLaysTheCertificateOverAnOlderSecretWithoutItsLogins() {
    Secret caOnly = CredentialsSecret.caOnly(Clusters.full("orders"), CA);
    assertThat(caOnly.getMetadata().getName()).isEqualTo("orders-credentials");
    assertThat(caOnly.getData()).containsOnlyKeys("sslmode", "ca.crt");
    assertThat(CredentialsSecret.value(caOnly, "ca.crt")).isEqualTo(CA);
  }

  @Test
  void internalCredentialsHoldTheReplicationAndOperatorRolesApart() {
    Secret internal = InternalCredentials.build(Clusters.full("orders"), new Passwords(new Random(7)), null);
    assertThat(internal.getMetadata().getName()).isEqualTo("orders-internal-credentials");
    assertThat(internal.getData()).containsOnlyKeys("replication-username", "replication-password",
        "operator-username", "operator-password");
    assertThat(CredentialsSecret.value(internal, "replication-username")).isEqualTo("replicator");
    assertThat(CredentialsSecret.value(internal, "operator-username")).isEqualTo("pgoperator");
    assertThat(CredentialsSecret.value(internal, "replication-password"))
        .isNotEqualTo(CredentialsSecret.value(internal, "operator-password")).hasSizeGreaterThanOrEqualTo(24);
  }

  @Test
  void aClusterFromBeforeKeepsItsReplicationPassword() {
    Secret legacy = new io.fabric8.kubernetes.api.model.SecretBuilder(secret)
        .addToData("replication-password", CredentialsSecret.encode("baked-into-the-data-directory")).build();
    Secret internal = InternalCredentials.build(Clusters.full("orders"), new Passwords(new Random(7)), legacy);
    assertThat(CredentialsSecret.value(internal, "replication-password")).isEqualTo("baked-into-the-data-directory");
  }

  @Test
  void passwordsComeFromTheInjectedSourceAndDiffer() {
    Passwords expected = new Passwords(new Random(42));
    assertThat(value("password")).isEqualTo(expected.next()).hasSizeGreaterThanOrEqualTo(24);
    Secret again = CredentialsSecret.build(Clusters.full("orders"), new Passwords(new Random(42)), CA);
    assertThat(CredentialsSecret.value(
        CredentialsSecret.build(Clusters.full("orders"), new Passwords(new Random(43)), CA), "password"))
        .isNotEqualTo(value("password"));
    assertThat(again).isEqualTo(secret);
  }

  @Test
  void defaultsApplyWhenDatabaseAndOwnerAreUnset() {
    Secret demo = CredentialsSecret.build(Clusters.minimal("demo-app"),
        new Passwords(new Random(1)), CA);
    assertThat(CredentialsSecret.value(demo, "username")).isEqualTo("demo_app");
    assertThat(CredentialsSecret.value(demo, "database")).isEqualTo("demo_app");
  }

  private String value(String key) {
    return CredentialsSecret.value(secret, key);
  }
}
