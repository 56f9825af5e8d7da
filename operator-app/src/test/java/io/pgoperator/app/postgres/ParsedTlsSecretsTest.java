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
  private final CertificateAuthority authority = ClusterTls.newAuthority(cluster, NOW);
  private final ServerCertificate issued = ClusterTls.issue(cluster, authority, NOW);
  private final Secret serverSecret = ClusterTls.serverSecret(cluster, authority, issued);
  private final ParsedTlsSecrets parsed = new ParsedTlsSecrets();

  @Test
  void aSecretIsParsedOnceAndItsRenewalDateStillCountsEveryTime() {
    ServerCertificate first = parsed.current(cluster, serverSecret, authority, NOW).orElseThrow();
    assertThat(parsed.current(cluster, new SecretBuilder(serverSecret).build(), authority, NOW))
        .as("an equal Secret, as the informer hands out until it changes").containsSame(first);
    assertThat(parsed.current(cluster, serverSecret, authority, ClusterTls.renewal(issued).plusSeconds(1)))
        .as("due for renewal").isEmpty();
  }

  @Test
  void anotherCaOrAChangedSecretIsCheckedAfresh() {
    parsed.current(cluster, serverSecret, authority, NOW).orElseThrow();
    CertificateAuthority other = ClusterTls.newAuthority(cluster, NOW);
    assertThat(parsed.current(cluster, serverSecret, other, NOW)).isEmpty();
    Secret reissued = ClusterTls.serverSecret(cluster, authority, ClusterTls.issue(cluster, authority,
        NOW.plus(Duration.ofDays(1))));
    assertThat(parsed.current(cluster, reissued, authority, NOW.plus(Duration.ofDays(1))).orElseThrow()
        .certificatePem()).isNotEqualTo(issued.certificatePem());
  }

  @Test
  void theCaIsParsedOnceAndABrokenOneFailsEveryTime() {
    Secret caSecret = ClusterTls.caSecret(cluster, authority);
    assertThat(parsed.authority(caSecret)).isSameAs(parsed.authority(new SecretBuilder(caSecret).build()));
    Secret broken = new SecretBuilder(caSecret).addToData("ca.key", "bm9wZQ==").build();
    assertThatThrownBy(() -> parsed.authority(broken)).hasMessageContaining("holds no usable CA");
    assertThatThrownBy(() -> parsed.authority(broken)).hasMessageContaining("holds no usable CA");
  }
}
