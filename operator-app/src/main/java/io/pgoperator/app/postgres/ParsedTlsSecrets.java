package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.Secret;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.children.ClusterTls;
import io.pgoperator.app.postgres.children.ClusterTls.ServerValidity;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/**
 * The TLS Secrets of the clusters, checked once per content rather than on every reconcile
 * (parsing a key and proving it matches its certificate costs a signature): the informer hands
 * out the same Secret until it changes, so a Secret equal to one checked before gets the same
 * answer. What is kept is the verdict, not the parsed certificates: a CA's Secret strings
 * ({@link CheckedAuthority}) and a server certificate's validity. Only the date is looked at each
 * time. Used on the reconciler's context only.
 */
final class ParsedTlsSecrets {

  private final Map<Secret, CheckedAuthority> authorities = new WeakHashMap<>();
  private final Map<Secret, Checked> servers = new WeakHashMap<>();

  /** @throws IllegalArgumentException as {@link ClusterTls#authority} does (not remembered) */
  CheckedAuthority authority(Secret caSecret) {
    CheckedAuthority known = authorities.get(caSecret);
    if (known == null) {
      known = CheckedAuthority.of(caSecret);
      authorities.put(caSecret, known);
    }
    return known;
  }

  /**
   * When the server certificate in {@code serverSecret} is due for renewal, while it is usable
   * ({@link ClusterTls#usable}) and current at {@code now} ({@link ClusterTls#current}); empty
   * when a new one is needed.
   */
  Optional<Instant> renewal(PostgresCluster cluster, Secret serverSecret, CheckedAuthority authority, Instant now) {
    if (serverSecret == null) {
      return Optional.empty();
    }
    Checked checked = servers.get(serverSecret);
    if (checked == null || checked.authority() != authority) {
      checked = new Checked(authority, ClusterTls.usable(cluster, serverSecret, authority.parse()).map(ServerValidity::of));
      servers.put(serverSecret, checked);
    }
    return checked.validity().filter(validity -> validity.current(now)).map(ServerValidity::renewal);
  }

  private record Checked(CheckedAuthority authority, Optional<ServerValidity> validity) {
  }
}
