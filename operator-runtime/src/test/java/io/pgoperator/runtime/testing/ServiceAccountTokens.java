package io.pgoperator.runtime.testing;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;

/**
 * Callers of their own for tests that must tell replicas apart at the API server (its audit log,
 * the fault proxy): a ServiceAccount per caller and a bearer token for it.
 */
public final class ServiceAccountTokens {

  private ServiceAccountTokens() {
  }

  /**
   * Creates ServiceAccount {@code name} in {@code namespace}, binds it to {@code cluster-admin}
   * within that namespace only, and returns a token valid for {@code validity} once the authorizer
   * lets it in (RBAC bindings reach it through a cache).
   *
   * @param apiServer where to check that the token works, straight (not through a proxy)
   */
  public static String namespaceAdmin(KubernetesClient admin, Config apiServer, String namespace, String name,
      Duration validity) {
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
        .withMasterUrl(apiServer.getMasterUrl())
        .withCaCertData(apiServer.getCaCertData())
        .withCaCertFile(apiServer.getCaCertFile())
        .withOauthToken(token)
        .withRequestRetryBackoffLimit(0)
        .build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(direct).build()) {
      Await.until(name + " may use its namespace " + namespace, Duration.ofSeconds(60), () -> {
        try {
          client.leases().inNamespace(namespace).list();
          return true;
        } catch (KubernetesClientException e) {
          return false;
        }
      });
    }
    return token;
  }
}
