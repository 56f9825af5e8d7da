package io.pgoperator.app.postgres.children;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Secret {@code <cluster>-internal-credentials}: the passwords of the roles the operator and
 * the instances use among themselves, which no application needs: the replication role (standbys
 * stream with it) and the operator's role (it reads replication state and manages slots). Pods get
 * them as environment variables; grant applications the {@code -credentials} Secret only.
 *
 * <p>Built only when absent, like the application's Secret. A cluster made before this Secret
 * existed keeps its replication password (it is in the data directory): it is carried over from
 * the application Secret.
 */
public final class InternalCredentials {

  public static final String REPLICATION_USERNAME = "replication-username";
  public static final String REPLICATION_PASSWORD = "replication-password";
  public static final String OPERATOR_USERNAME = "operator-username";
  public static final String OPERATOR_PASSWORD = "operator-password";

  private InternalCredentials() {
  }

  /** @param legacyCredentials the cluster's application Secret, or null when there is none yet */
  public static Secret build(PostgresCluster cluster, Passwords passwords, Secret legacyCredentials) {
    String legacy = legacyCredentials == null ? null
        : CredentialsSecret.value(legacyCredentials, CredentialsSecret.LEGACY_REPLICATION_PASSWORD);
    Map<String, String> data = new LinkedHashMap<>();
    data.put(REPLICATION_USERNAME, CredentialsSecret.encode(ChildNames.REPLICATION_USER));
    data.put(REPLICATION_PASSWORD, CredentialsSecret.encode(legacy != null ? legacy : passwords.next()));
    data.put(OPERATOR_USERNAME, CredentialsSecret.encode(ChildNames.OPERATOR_USER));
    data.put(OPERATOR_PASSWORD, CredentialsSecret.encode(passwords.next()));
    return new SecretBuilder()
        .withMetadata(ChildMeta.metadata(cluster, ChildNames.internalSecret(cluster.getMetadata().getName()),
            ChildMeta.COMPONENT_CREDENTIALS))
        .withType("Opaque")
        .withData(data)
        .build();
  }
}
