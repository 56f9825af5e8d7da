package io.pgoperator.app.postgres.children;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.Clusters;
import io.pgoperator.app.postgres.tls.CertificateAuthority;
import io.pgoperator.app.postgres.tls.ServerCertificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterTlsTest {

  private static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");

  private final PostgresCluster cluster = Clusters.full("orders");
  private final CertificateAuthority authority = ClusterTls.newAuthority(cluster, NOW);
  private final ServerCertificate server = ClusterTls.issue(cluster, authority, NOW);
  private final Secret serverSecret = ClusterTls.serverSecret(cluster, authority, server);

  @Test
  void theServerCertificateNamesEveryWayAnInstanceIsReached() {
    assertThat(server.covers(List.of("orders-rw", "orders-rw.shop", "orders-rw.shop.svc",
            "orders-rw.shop.svc.cluster.local", "orders-ro.shop.svc", "*.orders-pods.shop.svc", "localhost"),
        List.of("127.0.0.1", "::1"))).isTrue();
    assertThat(serverSecret.getMetadata().getName()).isEqualTo("orders-server-tls");
    assertThat(serverSecret.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(serverSecret.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
  }

  @Test
  void aGoodCertificateIsKeptUntilThirtyDaysBeforeItEnds() {
    assertThat(ClusterTls.current(cluster, serverSecret, authority, NOW)).isPresent();
    Instant renewal = ClusterTls.renewal(server);
    assertThat(renewal).isEqualTo(server.notAfter().minus(Duration.ofDays(30)));
    assertThat(ClusterTls.current(cluster, serverSecret, authority, renewal.minusSeconds(60))).isPresent();
    assertThat(ClusterTls.current(cluster, serverSecret, authority, renewal.plusSeconds(60))).isEmpty();
  }

  @Test
  void aCertificateFromAnotherCaOrForAnotherClusterIsReplaced() {
    CertificateAuthority other = ClusterTls.newAuthority(cluster, NOW);
    assertThat(ClusterTls.current(cluster, serverSecret, other, NOW)).as("another CA").isEmpty();
    PostgresCluster renamed = Clusters.full("billing");
    assertThat(ClusterTls.current(renamed, serverSecret, authority, NOW)).as("names another cluster's hosts").isEmpty();
    Secret tampered = new SecretBuilder(serverSecret).addToData("tls.key", CredentialsSecret.encode("garbage")).build();
    assertThat(ClusterTls.current(cluster, tampered, authority, NOW)).as("unreadable key").isEmpty();
    assertThat(ClusterTls.current(cluster, null, authority, NOW)).as("absent").isEmpty();
  }

  @Test
  void theCaSecretRoundTripsAndABrokenOneSaysHowToRecover() {
    Secret caSecret = ClusterTls.caSecret(cluster, authority);
    assertThat(caSecret.getMetadata().getName()).isEqualTo("orders-ca");
    assertThat(ClusterTls.authority(caSecret).certificatePem()).isEqualTo(authority.certificatePem());
    Secret broken = new SecretBuilder(caSecret).addToData("ca.key", CredentialsSecret.encode("nope")).build();
    assertThatThrownBy(() -> ClusterTls.authority(broken)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Secret shop/orders-ca holds no usable CA").hasMessageContaining("delete it");
  }
}
