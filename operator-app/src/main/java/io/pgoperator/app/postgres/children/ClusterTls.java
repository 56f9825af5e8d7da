package io.pgoperator.app.postgres.children;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.tls.CertificateAuthority;
import io.pgoperator.app.postgres.tls.ServerCertificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A cluster's TLS: its own certificate authority (Secret {@code <cluster>-ca}, made once, read by
 * the operator only) and the server certificate every instance presents (Secret
 * {@code <cluster>-server-tls}, mounted into the pods). The server certificate names every way
 * clients reach an instance: the Services with and without namespace and cluster domain, each pod
 * through the headless Service, and localhost (so {@code kubectl port-forward} verifies too). It
 * lives {@link #SERVER_VALIDITY} and is reissued {@link #RENEW_BEFORE} its end, or at once when it
 * no longer names those hosts or was not issued by the cluster's CA; instances pick a new one up
 * with a reload, not a restart.
 */
public final class ClusterTls {

  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final String TLS_CERT = "tls.crt";
  public static final String TLS_KEY = "tls.key";

  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  static final Duration SERVER_VALIDITY = Duration.ofDays(90);
  static final Duration RENEW_BEFORE = Duration.ofDays(30);
  /** The default cluster domain; names without it resolve everywhere through the search path. */
  private static final String CLUSTER_DOMAIN = "cluster.local";
  private static final List<String> LOOPBACK = List.of("127.0.0.1", "::1");

  private ClusterTls() {
  }

  public static CertificateAuthority newAuthority(PostgresCluster cluster, Instant now) {
    String cn = cluster.getMetadata().getName() + " CA";
    return CertificateAuthority.create(cn.length() > 64 ? cn.substring(0, 64) : cn, now, CA_VALIDITY);
  }

  public static Secret caSecret(PostgresCluster cluster, CertificateAuthority authority) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(CA_CERT, CredentialsSecret.encode(authority.certificatePem()));
    data.put(CA_KEY, CredentialsSecret.encode(authority.privateKeyPem()));
    return new SecretBuilder()
        .withMetadata(ChildMeta.metadata(cluster, ChildNames.caSecret(cluster.getMetadata().getName()),
            ChildMeta.COMPONENT_TLS))
        .withType("Opaque")
        .withData(data)
        .build();
  }

  /** @throws IllegalArgumentException naming the Secret when it holds no usable CA */
  public static CertificateAuthority authority(Secret caSecret) {
    String name = caSecret.getMetadata().getNamespace() + "/" + caSecret.getMetadata().getName();
    String cert = CredentialsSecret.value(caSecret, CA_CERT);
    String key = CredentialsSecret.value(caSecret, CA_KEY);
    if (cert == null || key == null) {
      throw new IllegalArgumentException("Secret " + name + " lacks " + CA_CERT + " or " + CA_KEY
          + "; delete it to have a new CA made (the server certificate is then reissued)");
    }
    try {
      return CertificateAuthority.fromPem(cert, key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Secret " + name + " holds no usable CA (" + e.getMessage()
          + "); delete it to have a new CA made (the server certificate is then reissued)", e);
    }
  }

  /** The server certificate in {@code existing} while it needs no replacing at {@code now}. */
  public static Optional<ServerCertificate> current(PostgresCluster cluster, Secret existing,
      CertificateAuthority authority, Instant now) {
    return usable(cluster, existing, authority).filter(server -> current(server, now));
  }

  /**
   * The server certificate in {@code existing} if it can serve this cluster whatever the date:
   * readable, its key matching, issued by {@code authority} (whose certificate the Secret carries)
   * and naming every host of the cluster.
   */
  public static Optional<ServerCertificate> usable(PostgresCluster cluster, Secret existing,
      CertificateAuthority authority) {
    if (existing == null) {
      return Optional.empty();
    }
    String cert = CredentialsSecret.value(existing, TLS_CERT);
    String key = CredentialsSecret.value(existing, TLS_KEY);
    if (cert == null || key == null
        || !authority.certificatePem().equals(CredentialsSecret.value(existing, CA_CERT))) {
      return Optional.empty();
    }
    try {
      ServerCertificate server = ServerCertificate.fromPem(cert, key);
      boolean good = server.issuedBy(authority) && server.covers(dnsNames(cluster), LOOPBACK);
      return good ? Optional.of(server) : Optional.empty();
    } catch (IllegalArgumentException unreadable) {
      return Optional.empty();
    }
  }

  /** Whether {@code server} is still short of its renewal date at {@code now}. */
  public static boolean current(ServerCertificate server, Instant now) {
    return ServerValidity.of(server).current(now);
  }

  public static ServerCertificate issue(PostgresCluster cluster, CertificateAuthority authority, Instant now) {
    String name = cluster.getMetadata().getName();
    return authority.issueServer(name.length() > 64 ? name.substring(0, 64) : name, dnsNames(cluster), LOOPBACK, now,
        SERVER_VALIDITY);
  }

  /** When {@link #current} stops accepting {@code server}. */
  public static Instant renewal(ServerCertificate server) {
    return ServerValidity.of(server).renewal();
  }

  /**
   * The dates that decide whether a server certificate is current: valid already, and short of
   * {@link #RENEW_BEFORE} its end. Kept instead of the certificate between reconciles.
   */
  public record ServerValidity(Instant notBefore, Instant renewal) {

    public static ServerValidity of(ServerCertificate server) {
      return new ServerValidity(server.notBefore(), server.notAfter().minus(RENEW_BEFORE));
    }

    /** As {@code !server.expiresWithin(now, RENEW_BEFORE)}: from its start up to its renewal date. */
    public boolean current(Instant now) {
      return !now.isBefore(notBefore) && !now.isAfter(renewal);
    }
  }

  public static Secret serverSecret(PostgresCluster cluster, CertificateAuthority authority,
      ServerCertificate server) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(TLS_CERT, CredentialsSecret.encode(server.certificatePem()));
    data.put(TLS_KEY, CredentialsSecret.encode(server.privateKeyPem()));
    data.put(CA_CERT, CredentialsSecret.encode(authority.certificatePem()));
    return new SecretBuilder()
        .withMetadata(ChildMeta.metadata(cluster,
            ChildNames.serverTlsSecret(cluster.getMetadata().getName()), ChildMeta.COMPONENT_TLS))
        .withType("kubernetes.io/tls")
        .withData(data)
        .build();
  }

  /** Every DNS name an instance is reached by, for the certificate's subject alternative names. */
  static List<String> dnsNames(PostgresCluster cluster) {
    String name = cluster.getMetadata().getName();
    String namespace = cluster.getMetadata().getNamespace();
    List<String> names = new ArrayList<>();
    for (String service : List.of(ChildNames.readWriteService(name), ChildNames.readOnlyService(name))) {
      names.addAll(qualified(service, namespace));
    }
    for (String headless : qualified(ChildNames.headlessService(name), namespace)) {
      names.add("*." + headless);
    }
    names.add("localhost");
    return names;
  }

  private static List<String> qualified(String service, String namespace) {
    return List.of(service, service + "." + namespace, service + "." + namespace + ".svc",
        service + "." + namespace + ".svc." + CLUSTER_DOMAIN);
  }
}
