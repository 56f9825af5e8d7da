package io.pgoperator.app.chaos;

import io.pgoperator.runtime.testing.ServiceAccountTokens;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
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
    return ServiceAccountTokens.namespaceAdmin(admin, adminConfig, namespace, name, validity);
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
