package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterSpec;
import io.pgoperator.api.v1alpha1.StorageSpec;
import io.pgoperator.app.postgres.children.ClusterTls;
import io.pgoperator.app.postgres.children.CredentialsSecret;
import io.pgoperator.app.postgres.children.InternalCredentials;
import io.pgoperator.app.postgres.children.Passwords;
import io.pgoperator.app.postgres.tls.CertificateAuthority;
import io.pgoperator.app.postgres.tls.ServerCertificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A reconcile of a throwaway cluster, minus the requests: validates its spec, issues its CA and
 * server certificate and parses them back as a cached Secret is parsed, renders every child,
 * compares each with itself as drift detection does, and serializes each as a write would. Run
 * once on every replica (see {@code Reconciler#warmUp}), so a standby that takes over does not
 * spend its first hundred milliseconds as leader loading classes and initialising cryptography.
 * Nothing it makes leaves the process.
 */
final class WarmUp {

  private WarmUp() {}

  /** @return the children rendered, as a write would send them (serialized by {@code serializer}) */
  static List<String> run(Passwords passwords, Instant now, Function<Object, String> serializer) {
    PostgresCluster cluster = sampleCluster();
    SpecValidation.problems(cluster, null);
    CertificateAuthority made = ClusterTls.newAuthority(cluster, now);
    Secret caSecret = ClusterTls.caSecret(cluster, made);
    CertificateAuthority authority = new ParsedTlsSecrets().authority(caSecret).parse();
    ServerCertificate server = ClusterTls.issue(cluster, authority, now);
    DesiredChildren desired = DesiredChildren.of(cluster, Observed.nothing());
    List<HasMetadata> children = new ArrayList<>(List.of(caSecret,
        InternalCredentials.build(cluster, passwords, null),
        CredentialsSecret.build(cluster, passwords, authority.certificatePem()),
        ClusterTls.serverSecret(cluster, authority, server),
        desired.config(), desired.headless(), desired.readWrite(), desired.statefulSet()));
    desired.readOnly().ifPresent(children::add);
    desired.disruptionBudget().ifPresent(children::add);
    List<String> written = new ArrayList<>();
    for (HasMetadata child : children) {
      var tree = Drift.tree(child);
      Drift.differences(tree, tree);
      written.add(serializer.apply(child));
    }
    return written;
  }

  /** Two instances, so the read-only Service and the disruption budget are rendered too. */
  private static PostgresCluster sampleCluster() {
    PostgresCluster cluster = new PostgresCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withNamespace("warm-up").withName("warm-up")
        .withUid("00000000-0000-0000-0000-000000000000").withGeneration(1L).build());
    PostgresClusterSpec spec = new PostgresClusterSpec();
    spec.setInstances(2);
    StorageSpec storage = new StorageSpec();
    storage.setSize("1Gi");
    spec.setStorage(storage);
    cluster.setSpec(spec);
    return cluster;
  }
}
