package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.Secret;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.children.ClusterTls;
import io.pgoperator.app.postgres.tls.CertificateAuthority;
import io.pgoperator.app.postgres.tls.ServerCertificate;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/**
 * The TLS Secrets of the clusters, parsed and checked once per content rather than on every
 * reconcile (parsing a key and proving it matches its certificate costs a signature): the
 * informer hands out the same Secret until it changes, so a Secret equal to one checked before
 * gets the same answer. Only the renewal date is looked at each time. Used on the reconciler's
 * context only.
 */
final class ParsedTlsSecrets {

  private final Map<Secret, CertificateAuthority> authorities = new WeakHashMap<>();
  private final Map<Secret, Checked> servers = new WeakHashMap<>();

  /** @throws IllegalArgumentException as {@link ClusterTls#authority} does (not remembered) */
  CertificateAuthority authority(Secret caSecret) {
    CertificateAuthority known = authorities.get(caSecret);
    if (known == null) {
      known = ClusterTls.authority(caSecret);
      authorities.put(caSecret, known);
    }
    return known;
  }

  /** {@link ClusterTls#current}, with everything but the date remembered per Secret and CA. */
  Optional<ServerCertificate> current(PostgresCluster cluster, Secret serverSecret, CertificateAuthority authority,
      Instant now) {
    if (serverSecret == null) {
      return Optional.empty();
    }
    Checked checked = servers.get(serverSecret);
    if (checked == null || checked.authority() != authority) {
      checked = new Checked(authority, ClusterTls.usable(cluster, serverSecret, authority));
      servers.put(serverSecret, checked);
    }
    return checked.server().filter(server -> ClusterTls.current(server, now));
  }

  private record Checked(CertificateAuthority authority, Optional<ServerCertificate> server) {
  }
}
