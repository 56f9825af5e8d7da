package io.pgoperator.app.embedded;

import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscoveryBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import java.util.List;
import java.util.Map;

/**
 * API discovery for the mock server, which does not derive it from installed CRDs: without it
 * {@code kubectl get pgc} cannot resolve the short name. Covers what the demo shows: the custom
 * resource, its children, Leases and Events.
 */
final class EmbeddedDiscovery {

  private static final List<String> VERBS = List.of("get", "list", "watch", "create", "update", "patch", "delete");

  private static final Map<String, List<APIResource>> GROUPS = Map.of(
      "apps/v1", List.of(resource("statefulsets", "StatefulSet", "sts")),
      "policy/v1", List.of(resource("poddisruptionbudgets", "PodDisruptionBudget", "pdb")),
      "coordination.k8s.io/v1", List.of(resource("leases", "Lease", null)),
      PostgresCluster.API_VERSION, List.of(resource("postgresclusters", "PostgresCluster", "pgc")));

  private static final List<APIResource> CORE = List.of(
      resource("services", "Service", "svc"), resource("configmaps", "ConfigMap", "cm"),
      resource("secrets", "Secret", null), resource("events", "Event", "ev"),
      resource("persistentvolumeclaims", "PersistentVolumeClaim", "pvc"),
      clusterResource("namespaces", "Namespace", "ns"));

  private EmbeddedDiscovery() {}

  static void serve(KubernetesMockServer server) {
    // kubectl appends ?timeout=32s to discovery requests; answer with and without it.
    expect(server, "/api", new APIVersionsBuilder().withVersions("v1").build());
    expect(server, "/api/v1", new APIResourceListBuilder().withGroupVersion("v1").withResources(CORE).build());
    var groups = new APIGroupListBuilder();
    GROUPS.keySet().stream().sorted().forEach(groupVersion -> {
      String group = groupVersion.substring(0, groupVersion.indexOf('/'));
      var version = new GroupVersionForDiscoveryBuilder().withGroupVersion(groupVersion)
          .withVersion(groupVersion.substring(group.length() + 1)).build();
      groups.addToGroups(new APIGroupBuilder().withName(group).withVersions(version).withPreferredVersion(version).build());
    });
    expect(server, "/apis", groups.build());
    GROUPS.forEach((groupVersion, resources) -> expect(server, "/apis/" + groupVersion,
        new APIResourceListBuilder().withGroupVersion(groupVersion).withResources(resources).build()));
  }

  private static void expect(KubernetesMockServer server, String path, Object body) {
    server.expect().get().withPath(path).andReturn(200, body).always();
    server.expect().get().withPath(path + "?timeout=32s").andReturn(200, body).always();
  }

  private static APIResource resource(String plural, String kind, String shortName) {
    return builder(plural, kind, shortName).withNamespaced(true).build();
  }

  private static APIResource clusterResource(String plural, String kind, String shortName) {
    return builder(plural, kind, shortName).withNamespaced(false).build();
  }

  private static APIResourceBuilder builder(String plural, String kind, String shortName) {
    APIResourceBuilder builder = new APIResourceBuilder().withName(plural).withKind(kind)
        .withSingularName(kind.toLowerCase()).withVerbs(VERBS);
    return shortName == null ? builder : builder.withShortNames(shortName);
  }
}
