package io.pgoperator.app.deploy;

import static io.pgoperator.app.deploy.DeployManifests.NAMESPACE;
import static io.pgoperator.app.deploy.DeployManifests.SERVICE_ACCOUNT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.pgoperator.app.deploy.DeployManifests.Rendered;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The shipped RBAC grants exactly what the operator uses, to its ServiceAccount only. */
class DeployRbacTest {

  private static final Set<String> READ_WRITE = Set.of("get", "list", "watch", "create", "update");

  /**
   * Every (group/resource → verbs) the operator uses across namespaces: informers list and watch,
   * children are created and updated (get only after a create conflict), never patched; status
   * is updated through its subresource; delete only where the operator deletes (the read-only
   * Service and the PDB when instances drops to 1, a pod that must stop serving as a primary);
   * events are only created; instance pods are watched and their role label patched; the cluster
   * is patched only to remove a done switchover request.
   */
  private static final Map<String, Set<String>> CLUSTER_WIDE = Map.of(
      "postgres.example.com/postgresclusters", Set.of("get", "list", "watch", "patch"),
      "postgres.example.com/postgresclusters/status", Set.of("update"),
      "/secrets", READ_WRITE,
      "/configmaps", READ_WRITE,
      "/services", union(READ_WRITE, "delete"),
      "apps/statefulsets", READ_WRITE,
      "policy/poddisruptionbudgets", union(READ_WRITE, "delete"),
      "/events", Set.of("create"),
      "/pods", Set.of("get", "list", "watch", "patch", "delete"));

  /**
   * Leader election, in the operator's own namespace only: the Lease, and the leader's Pod, which
   * standbys watch for the kubelet's report of its container terminating.
   */
  private static final Map<String, Set<String>> OWN_NAMESPACE = Map.of(
      "coordination.k8s.io/leases", Set.of("get", "list", "watch", "create", "update"),
      "/pods", Set.of("get", "list", "watch"));

  private final Rendered rendered = DeployManifests.base();

  @Test
  void clusterRoleGrantsExactlyWhatTheOperatorUses() {
    assertThat(grants(rendered.one(ClusterRole.class).getRules())).isEqualTo(new TreeMap<>(CLUSTER_WIDE));
  }

  @Test
  void leasesAndTheOperatorsPodsAreGrantedOnlyInTheOperatorsNamespace() {
    Role role = rendered.one(Role.class);
    assertThat(role.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(grants(role.getRules())).isEqualTo(new TreeMap<>(OWN_NAMESPACE));
    assertThat(grants(rendered.one(ClusterRole.class).getRules()).keySet()).noneMatch(k -> k.endsWith("/leases"));
  }

  @Test
  void theShardedVariantMayAlsoDeleteLeasesThereAndNothingElseMore() {
    Rendered sharded = DeployManifests.sharded();
    Role role = sharded.one(Role.class);
    assertThat(role.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    Map<String, Set<String>> expected = new TreeMap<>(OWN_NAMESPACE);
    expected.put("coordination.k8s.io/leases", union(OWN_NAMESPACE.get("coordination.k8s.io/leases"), "delete"));
    assertThat(grants(role.getRules())).as("reaped member Leases are deleted").isEqualTo(expected);
    assertThat(grants(sharded.one(ClusterRole.class).getRules())).isEqualTo(new TreeMap<>(CLUSTER_WIDE));
    assertThat(sharded.one(RoleBinding.class)).isEqualTo(rendered.one(RoleBinding.class));
    assertThat(sharded.one(ClusterRoleBinding.class)).isEqualTo(rendered.one(ClusterRoleBinding.class));
    assertThat(OWN_NAMESPACE.get("coordination.k8s.io/leases")).as("the single leader deletes no Lease")
        .doesNotContain("delete");
  }

  @Test
  void noRuleUsesWildcardsResourceNamesOrNonResourceUrls() {
    assertNoWildcards(rendered);
    assertNoWildcards(DeployManifests.sharded());
  }

  private static void assertNoWildcards(Rendered rendered) {
    List<PolicyRule> rules = Stream.concat(
        rendered.all(ClusterRole.class).stream().flatMap(r -> r.getRules().stream()),
        rendered.all(Role.class).stream().flatMap(r -> r.getRules().stream())).toList();
    assertThat(rules).isNotEmpty().allSatisfy(rule -> {
      assertThat(rule.getVerbs()).as("verbs").isNotEmpty().noneMatch(v -> v.contains("*"));
      assertThat(rule.getResources()).as("resources").isNotEmpty().noneMatch(r -> r.contains("*"));
      assertThat(rule.getApiGroups()).as("apiGroups").isNotEmpty().noneMatch(g -> g.contains("*"));
      assertThat(rule.getNonResourceURLs()).as("nonResourceURLs").isNullOrEmpty();
    });
    assertThat(rendered.all(ClusterRole.class)).allSatisfy(r -> assertThat(r.getAggregationRule()).isNull());
  }

  @Test
  void rolesAreBoundToTheServiceAccountThePodsRunAs() {
    ServiceAccount account = rendered.one(ServiceAccount.class);
    assertThat(account.getMetadata().getName()).isEqualTo(SERVICE_ACCOUNT);
    assertThat(account.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(rendered.one(Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(SERVICE_ACCOUNT);

    ClusterRoleBinding clusterBinding = rendered.one(ClusterRoleBinding.class);
    assertThat(clusterBinding.getRoleRef()).isEqualTo(roleRef("ClusterRole", rendered.one(ClusterRole.class).getMetadata().getName()));
    assertThat(clusterBinding.getSubjects()).containsExactly(operatorAccount());

    RoleBinding binding = rendered.one(RoleBinding.class);
    assertThat(binding.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(binding.getRoleRef()).isEqualTo(roleRef("Role", rendered.one(Role.class).getMetadata().getName()));
    assertThat(binding.getSubjects()).containsExactly(operatorAccount());
  }

  /** group/resource → verbs, merged over rules, sorted for readable failure messages. */
  private static Map<String, Set<String>> grants(List<PolicyRule> rules) {
    Map<String, Set<String>> grants = new TreeMap<>();
    for (PolicyRule rule : rules) {
      assertThat(rule.getResourceNames()).as("resourceNames in " + rule).isNullOrEmpty();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          grants.computeIfAbsent(group + "/" + resource, k -> new TreeSet<>()).addAll(rule.getVerbs());
        }
      }
    }
    grants.replaceAll((k, v) -> Set.copyOf(v));
    return grants;
  }

  private static Set<String> union(Set<String> verbs, String extra) {
    return Stream.concat(verbs.stream(), Stream.of(extra)).collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  private static RoleRef roleRef(String kind, String name) {
    return new RoleRef("rbac.authorization.k8s.io", kind, name);
  }

  private static Subject operatorAccount() {
    return new Subject(null, "ServiceAccount", SERVICE_ACCOUNT, NAMESPACE);
  }
}
