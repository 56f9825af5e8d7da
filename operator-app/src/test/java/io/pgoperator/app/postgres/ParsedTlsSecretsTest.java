package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.children.ClusterTls;
import io.pgoperator.app.postgres.tls.CertificateAuthority;
import io.pgoperator.app.postgres.tls.ServerCertificate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ParsedTlsSecretsTest {

  private static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");

  private final PostgresCluster cluster = Clusters.full("orders");
  private final CertificateAuthority made = ClusterTls.newAuthority(cluster, NOW);
  private final Secret caSecret = ClusterTls.caSecret(cluster, made);
  private final ServerCertificate issued = ClusterTls.issue(cluster, made, NOW);
  private final Secret serverSecret = ClusterTls.serverSecret(cluster, made, issued);
  private final ParsedTlsSecrets parsed = new ParsedTlsSecrets();

  @Test
  void aCurrentCertificateIsCheckedOnceAndItsRenewalDateStillCountsEveryTime() {
    CheckedAuthority authority = parsed.authority(caSecret);
    assertThat(parsed.renewal(cluster, serverSecret, authority, NOW)).contains(ClusterTls.renewal(issued));
    assertThat(parsed.renewal(cluster, new SecretBuilder(serverSecret).build(), authority, NOW))
        .as("an equal Secret, as the informer hands out until it changes").contains(ClusterTls.renewal(issued));
    assertThat(parsed.renewal(cluster, serverSecret, authority, ClusterTls.renewal(issued)))
        .as("on the renewal date itself").isPresent();
    assertThat(parsed.renewal(cluster, serverSecret, authority, ClusterTls.renewal(issued).plusSeconds(1)))
        .as("due for renewal").isEmpty();
    assertThat(parsed.renewal(cluster, serverSecret, authority, issued.notBefore().minusSeconds(1)))
        .as("not valid yet").isEmpty();
    assertThat(parsed.renewal(cluster, null, authority, NOW)).isEmpty();
  }

  @Test
  void aCertificateOfAnotherCaOrForOtherHostsIsNotUsable() {
    CheckedAuthority other = parsed.authority(ClusterTls.caSecret(cluster, ClusterTls.newAuthority(cluster, NOW)));
    assertThat(parsed.renewal(cluster, serverSecret, other, NOW)).isEmpty();
    assertThat(parsed.renewal(Clusters.full("payments"), new SecretBuilder(serverSecret).build(),
        parsed.authority(caSecret), NOW)).as("names none of this cluster's hosts").isEmpty();
  }

  @Test
  void aChangedSecretIsCheckedAfresh() {
    CheckedAuthority authority = parsed.authority(caSecret);
    parsed.renewal(cluster, serverSecret, authority, NOW).orElseThrow();
    ServerCertificate later = ClusterTls.issue(cluster, made, NOW.plus(Duration.ofDays(1)));
    assertThat(parsed.renewal(cluster, ClusterTls.serverSecret(cluster, made, later), authority, NOW.plus(Duration.ofDays(1))))
        .contains(ClusterTls.renewal(later));
  }

  @Test
  void theCaIsCheckedOnceAndABrokenOneFailsEveryTime() {
    CheckedAuthority authority = parsed.authority(caSecret);
    assertThat(parsed.authority(new SecretBuilder(caSecret).build())).isSameAs(authority);
    assertThat(authority.certificatePem()).isEqualTo(made.certificatePem());
    assertThat(authority.parse().privateKeyPem()).isEqualTo(made.privateKeyPem());
    Secret broken = new SecretBuilder(caSecret).addToData("ca.key", "bm9wZQ==").build();
    assertThatThrownBy(() -> parsed.authority(broken)).hasMessageContaining("holds no usable CA");
    assertThatThrownBy(() -> parsed.authority(broken)).hasMessageContaining("holds no usable CA");
  }

  @Test
  void aCaGivenAsStringDataIsReadToo() {
    Secret plain = new SecretBuilder(caSecret).withData(null)
        .addToStringData(ClusterTls.CA_CERT, made.certificatePem())
        .addToStringData(ClusterTls.CA_KEY, made.privateKeyPem()).build();
    assertThat(parsed.authority(plain).certificatePem()).isEqualTo(made.certificatePem());
    assertThat(parsed.authority(plain).parse().privateKeyPem()).isEqualTo(made.privateKeyPem());
  }
}
