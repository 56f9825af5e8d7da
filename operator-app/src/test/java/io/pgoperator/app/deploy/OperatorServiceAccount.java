package io.pgoperator.app.deploy;

import static io.pgoperator.app.deploy.DeployManifests.NAMESPACE;
import static io.pgoperator.app.deploy.DeployManifests.SERVICE_ACCOUNT;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.app.deploy.DeployManifests.Rendered;
import io.pgoperator.runtime.testing.Await;
import java.time.Duration;
import java.util.List;

/**
 * The operator's identity on a real API server: installs the shipped Namespace, CRD,
 * ServiceAccount and RBAC (exactly as rendered from deploy/) with an admin client, and returns
 * connection settings that impersonate {@code system:serviceaccount:pg-operator-system:pg-operator}
 * with the groups a ServiceAccount token carries. Anything the shipped RBAC does not grant is
 * then a 403, as it would be in a cluster.
 */
public final class OperatorServiceAccount {

  public static final String USERNAME = "system:serviceaccount:" + NAMESPACE + ":" + SERVICE_ACCOUNT;
  public static final List<String> GROUPS =
      List.of("system:serviceaccounts", "system:serviceaccounts:" + NAMESPACE, "system:authenticated");

  private OperatorServiceAccount() {}

  /** Installs the identity with {@code admin} (idempotent) and returns a Config acting as it. */
  public static Config install(KubernetesClient admin) {
    return install(admin, DeployManifests.base());
  }

  /** As {@link #install(KubernetesClient)}, with the RBAC of {@code rendered} (e.g. the sharded variant). */
  static Config install(KubernetesClient admin, Rendered rendered) {
    ApiServerInstall.namespaceAndCrd(admin);
    ApiServerInstall.apply(admin, rendered.one(ServiceAccount.class));
    ApiServerInstall.apply(admin, rendered.one(ClusterRole.class));
    ApiServerInstall.apply(admin, rendered.one(ClusterRoleBinding.class));
    ApiServerInstall.apply(admin, rendered.one(Role.class));
    ApiServerInstall.apply(admin, rendered.one(RoleBinding.class));
    // The authorizer reads RBAC from an informer: wait until both bindings are in effect.
    Await.until("the pg-operator ServiceAccount may list PostgresClusters and create Leases in " + NAMESPACE,
        Duration.ofSeconds(30),
        () -> allowed(admin, "postgres.example.com", "postgresclusters", "list", null)
            && allowed(admin, "coordination.k8s.io", "leases", "create", NAMESPACE));
    return impersonating(admin.getConfiguration());
  }

  /** A copy of {@code admin} that acts as the operator's ServiceAccount. */
  public static Config impersonating(Config admin) {
    Config config = new ConfigBuilder(admin).build();
    config.setImpersonateUsername(USERNAME);
    config.setImpersonateGroups(GROUPS.toArray(String[]::new));
    return config;
  }

  /** What the authorizer answers for the ServiceAccount (namespace null: cluster-wide). */
  public static boolean allowed(KubernetesClient admin, String group, String resource, String verb, String namespace) {
    SubjectAccessReview review = new SubjectAccessReviewBuilder()
        .withNewSpec()
        .withUser(USERNAME)
        .withGroups(GROUPS)
        .withNewResourceAttributes()
        .withGroup(group)
        .withResource(resource)
        .withVerb(verb)
        .withNamespace(namespace)
        .endResourceAttributes()
        .endSpec()
        .build();
    return admin.authorization().v1().subjectAccessReview().create(review).getStatus().getAllowed();
  }
}
