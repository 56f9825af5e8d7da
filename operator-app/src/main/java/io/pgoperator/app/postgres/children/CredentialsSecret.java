package io.pgoperator.app.postgres.children;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Secret {@code <cluster>-credentials}: what applications need to connect, over TLS with the
 * server's identity verified: the application owner's login, the primary's address, a URI with
 * {@code sslmode=verify-full}, and the cluster CA's certificate ({@code ca.crt}; libpq looks for
 * it at {@code ~/.postgresql/root.crt}). Nothing else: the replication and operator roles'
 * passwords live in {@link InternalCredentials}.
 *
 * <p>Build it only when the Secret does not exist. The passwords are baked into the data
 * directory at initialisation, so regenerating them would lock everyone out. The CA certificate
 * is kept current with {@link #caOnly}.
 */
public final class CredentialsSecret {

  public static final String USERNAME = "username";
  public static final String PASSWORD = "password";
  public static final String DATABASE = "database";
  public static final String HOST = "host";
  public static final String PORT = "port";
  public static final String URI = "uri";
  public static final String SSLMODE = "sslmode";
  public static final String CA_CERT = "ca.crt";
  /** Clients verify the server's certificate and its name. */
  public static final String VERIFY_FULL = "verify-full";
  /**
   * Where Secrets of clusters made before {@link InternalCredentials} existed hold the
   * replication password; it moves there and stays here too (applications may read the keys).
   */
  static final String LEGACY_REPLICATION_PASSWORD = "replication-password";

  private CredentialsSecret() {
  }

  public static Secret build(PostgresCluster cluster, Passwords passwords, String caCertificatePem) {
    String name = cluster.getMetadata().getName();
    String owner = ChildNames.owner(cluster);
    String database = ChildNames.database(cluster);
    String host = ChildNames.primaryHost(cluster);
    String password = passwords.next();

    Map<String, String> plain = new LinkedHashMap<>();
    plain.put(USERNAME, owner);
    plain.put(PASSWORD, password);
    plain.put(DATABASE, database);
    plain.put(HOST, host);
    plain.put(PORT, Integer.toString(ChildNames.PORT));
    // The password alphabet is URL-safe, so no percent-encoding is needed.
    plain.put(URI, "postgresql://" + owner + ":" + password + "@" + host + ":" + ChildNames.PORT
        + "/" + database + "?sslmode=" + VERIFY_FULL);
    plain.put(SSLMODE, VERIFY_FULL);
    plain.put(CA_CERT, caCertificatePem);
    return secret(cluster, plain);
  }

  /**
   * The part of the Secret that follows the cluster's CA: the certificate and the sslmode that
   * uses it. Laid over an existing Secret (one made before TLS, too), it leaves the rest alone.
   */
  public static Secret caOnly(PostgresCluster cluster, String caCertificatePem) {
    Map<String, String> plain = new LinkedHashMap<>();
    plain.put(SSLMODE, VERIFY_FULL);
    plain.put(CA_CERT, caCertificatePem);
    return secret(cluster, plain);
  }

  private static Secret secret(PostgresCluster cluster, Map<String, String> plain) {
    // data rather than stringData: that is what a read returns, so comparisons stay simple.
    Map<String, String> data = new LinkedHashMap<>();
    plain.forEach((k, v) -> data.put(k, encode(v)));
    return new SecretBuilder()
        .withMetadata(ChildMeta.metadata(cluster,
            ChildNames.credentialsSecret(cluster.getMetadata().getName()), ChildMeta.COMPONENT_CREDENTIALS))
        .withType("Opaque")
        .withData(data)
        .build();
  }

  /** The decoded value of {@code key}, or null when absent. */
  public static String value(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().get(key) != null) {
      return new String(Base64.getDecoder().decode(secret.getData().get(key)),
          StandardCharsets.UTF_8);
    }
    return secret.getStringData() == null ? null : secret.getStringData().get(key);
  }

  static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
