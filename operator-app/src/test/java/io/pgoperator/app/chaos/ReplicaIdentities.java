package io.pgoperator.app.chaos;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.runtime.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

/**
 * A ServiceAccount per replica, so the API server's audit log (user.username
 * {@code system:serviceaccount:<ns>:<replica>}) and the fault proxy tell the replicas apart.
 * Each gets the built-in ClusterRole {@code cluster-admin} through a RoleBinding in the one
 * namespace it watches: with {@code --watch-namespace} and {@code --leader-election-namespace}
 * set to that namespace, everything the operator reads and writes (deploy/operator/cluster-role.yaml
 * and leader-election-role.yaml) is namespaced, so no cluster-scoped grant is needed.
 */
final class ReplicaIdentities {

  private ReplicaIdentities() {}

  static String username(String namespace, String replica) {
    return "system:serviceaccount:" + namespace + ":" + replica;
  }

  /** Creates the ServiceAccount and its RoleBinding, returns a token valid for {@code validity}, once RBAC lets it in. */
  static String token(KubernetesClient admin, Config adminConfig, String namespace, String name, Duration validity) {
    admin.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder()
        .withNewMetadata().withName(name).endMetadata().build()).create();
    admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder()
        .withNewMetadata().withName(name + "-admin").endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("cluster-admin")
        .endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(namespace).endSubject()
        .build()).create();
    String token = admin.serviceAccounts().inNamespace(namespace).withName(name).tokenRequest(
        new TokenRequestBuilder().withNewSpec().withExpirationSeconds(validity.toSeconds()).endSpec().build())
        .getStatus().getToken();
    Config direct = new ConfigBuilder(Config.empty())
        .withMasterUrl(adminConfig.getMasterUrl())
        .withCaCertData(adminConfig.getCaCertData())
        .withCaCertFile(adminConfig.getCaCertFile())
        .withOauthToken(token)
        .withRequestRetryBackoffLimit(0)
        .build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(direct).build()) {
      // RBAC bindings reach the authorizer through a cache: wait until this one counts.
      Await.until(name + " may use leases and PostgresClusters in " + namespace, Duration.ofSeconds(60), () -> {
        try {
          client.leases().inNamespace(namespace).list();
          client.resources(PostgresCluster.class).inNamespace(namespace).list();
          return true;
        } catch (KubernetesClientException e) {
          return false;
        }
      });
    }
    return token;
  }

  /** A kubeconfig file for one replica: the proxy's URL and CA, the replica's bearer token. */
  static Path kubeconfig(Path file, String proxyUrl, String proxyCaPem, String replica, String token,
      String namespace) {
    String ca = Base64.getEncoder().encodeToString(proxyCaPem.getBytes(StandardCharsets.US_ASCII));
    String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
          - name: fault-proxy
            cluster:
              server: %s
              certificate-authority-data: %s
        users:
          - name: %s
            user:
              token: %s
        contexts:
          - name: %s
            context:
              cluster: fault-proxy
              user: %s
              namespace: %s
        current-context: %s
        """.formatted(proxyUrl, ca, replica, token, replica, replica, namespace, replica);
    try {
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }
}
