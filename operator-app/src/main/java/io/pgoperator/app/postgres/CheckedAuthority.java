package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.Secret;
import io.pgoperator.app.postgres.children.ClusterTls;
import io.pgoperator.app.postgres.children.CredentialsSecret;
import io.pgoperator.app.postgres.tls.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A cluster's CA, read from its Secret and found usable once ({@link ClusterTls#authority}): the
 * certificate clients verify the servers with, and the whole CA, key included, when a certificate
 * is to be issued or checked. It holds the Secret's own strings, not a parsed certificate and key:
 * those cost kilobytes per cluster, kept between reconciles that almost never need them.
 */
final class CheckedAuthority {

  private final String certificate;
  private final String key;
  /** The strings are base64, as in a Secret's {@code data}; else PEM, as in {@code stringData}. */
  private final boolean encoded;

  private CheckedAuthority(String certificate, String key, boolean encoded) {
    this.certificate = certificate;
    this.key = key;
    this.encoded = encoded;
  }

  /** @throws IllegalArgumentException as {@link ClusterTls#authority} does */
  static CheckedAuthority of(Secret caSecret) {
    ClusterTls.authority(caSecret);
    if (caSecret.getData() != null && caSecret.getData().get(ClusterTls.CA_CERT) != null
        && caSecret.getData().get(ClusterTls.CA_KEY) != null) {
      return new CheckedAuthority(caSecret.getData().get(ClusterTls.CA_CERT), caSecret.getData().get(ClusterTls.CA_KEY),
          true);
    }
    return new CheckedAuthority(CredentialsSecret.value(caSecret, ClusterTls.CA_CERT),
        CredentialsSecret.value(caSecret, ClusterTls.CA_KEY), false);
  }

  /** The CA's certificate as PEM. */
  String certificatePem() {
    return text(certificate);
  }

  /** The whole CA, parsed again (a millisecond): to issue or check a certificate. */
  CertificateAuthority parse() {
    return CertificateAuthority.fromPem(certificatePem(), text(key));
  }

  private String text(String value) {
    return encoded ? new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8) : value;
  }
}
