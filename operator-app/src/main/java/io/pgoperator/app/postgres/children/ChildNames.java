package io.pgoperator.app.postgres.children;

import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterSpec;
import java.util.regex.Pattern;

/** Names of a cluster's children, and the database/owner defaults derived from its name. */
public final class ChildNames {

  public static final int PORT = 5432;
  public static final String PORT_NAME = "postgresql";
  /** Streaming-replication role created on the primary at initialisation. */
  public static final String REPLICATION_USER = "replicator";
  /** initdb's superuser: no password, admitted only on the pod's local socket. */
  public static final String SUPERUSER = "postgres";
  /**
   * The operator's own role: reads replication state (pg_monitor) and manages replication slots
   * (the REPLICATION attribute), admitted over TLS to the database {@code postgres} only.
   */
  public static final String OPERATOR_USER = "pgoperator";

  private static final Pattern IDENTIFIER = Pattern.compile(PostgresClusterSpec.IDENTIFIER_PATTERN);

  private ChildNames() {
  }

  public static String statefulSet(String cluster) {
    return cluster;
  }

  public static String pod(String cluster, int ordinal) {
    return cluster + "-" + ordinal;
  }

  /** The primary of a new cluster (and of one made before the primary was recorded): ordinal 0. */
  public static String initialPrimary(String cluster) {
    return pod(cluster, 0);
  }

  /** A pod's ordinal, or -1 when the name is not {@code <cluster>-<ordinal>}. */
  public static int ordinal(String cluster, String pod) {
    String prefix = cluster + "-";
    if (pod == null || !pod.startsWith(prefix) || !pod.substring(prefix.length()).matches("[0-9]{1,4}")) {
      return -1;
    }
    return Integer.parseInt(pod.substring(prefix.length()));
  }

  public static String credentialsSecret(String cluster) {
    return cluster + "-credentials";
  }

  /** The replication role's and the operator role's passwords: for the operator and the pods only. */
  public static String internalSecret(String cluster) {
    return cluster + "-internal-credentials";
  }

  /** The cluster's certificate authority, key included: read by the operator only. */
  public static String caSecret(String cluster) {
    return cluster + "-ca";
  }

  /** The instances' server certificate and key, issued by the cluster's CA, mounted into the pods. */
  public static String serverTlsSecret(String cluster) {
    return cluster + "-server-tls";
  }

  public static String configMap(String cluster) {
    return cluster + "-config";
  }

  /** What the operator has learnt of the cluster's life, for its instances (see InitialisedState). */
  public static String stateConfigMap(String cluster) {
    return cluster + "-state";
  }

  /** Headless governing Service of the StatefulSet: stable per-pod DNS names. */
  public static String headlessService(String cluster) {
    return cluster + "-pods";
  }

  public static String readWriteService(String cluster) {
    return cluster + "-rw";
  }

  public static String readOnlyService(String cluster) {
    return cluster + "-ro";
  }

  public static String disruptionBudget(String cluster) {
    return cluster;
  }

  /** In-cluster host of the primary; resolves from any namespace through the DNS search path. */
  /** One instance by its stable name under the headless Service (the server certificate names it). */
  public static String instanceHost(PostgresCluster cluster, String pod) {
    return pod + "." + headlessService(cluster.getMetadata().getName()) + "."
        + cluster.getMetadata().getNamespace() + ".svc";
  }

  public static String primaryHost(PostgresCluster cluster) {
    return readWriteService(cluster.getMetadata().getName()) + "."
        + cluster.getMetadata().getNamespace() + ".svc";
  }

  /** spec.database, else the cluster name with '-' replaced by '_'. */
  public static String database(PostgresCluster cluster) {
    return identifier(cluster, "database", cluster.getSpec().getDatabase());
  }

  /** spec.owner, else the cluster name with '-' replaced by '_'. */
  public static String owner(PostgresCluster cluster) {
    return identifier(cluster, "owner", cluster.getSpec().getOwner());
  }

  /** The default for database and owner; may be invalid for names the CRD would refuse. */
  public static String defaultIdentifier(String cluster) {
    return cluster.replace('-', '_');
  }

  public static boolean isValidIdentifier(String identifier) {
    return identifier != null && IDENTIFIER.matcher(identifier).matches();
  }

  private static String identifier(PostgresCluster cluster, String field, String explicit) {
    String name = cluster.getMetadata().getName();
    String value = explicit != null ? explicit : defaultIdentifier(name);
    if (!isValidIdentifier(value)) {
      throw new IllegalArgumentException("PostgresCluster " + cluster.getMetadata().getNamespace()
          + "/" + name + ": " + field + " '" + value + "'"
          + (explicit != null ? "" : " (derived from the name)")
          + " is not a valid PostgreSQL identifier " + PostgresClusterSpec.IDENTIFIER_PATTERN
          + "; set spec." + field + " explicitly");
    }
    return value;
  }
}
