package io.pgoperator.app.postgres.primary;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.children.ChildMeta;
import io.pgoperator.runtime.kube.KubeCalls;
import io.vertx.core.Future;

/**
 * The API writes of the primary role, each fenced by the leader's term (through {@link KubeCalls})
 * and aimed at the object as cached: a role label is patched with a test of the pod's uid (a
 * recreated pod is not labelled for its predecessor), a pod is deleted at the resourceVersion
 * it was judged by.
 */
final class RoleWrites {

  private final KubeCalls calls;

  RoleWrites(KubeCalls calls) {
    this.calls = calls;
  }

  Future<Void> label(Pod pod, String role) {
    String patch = "[" + uidTest(pod) + ",{\"op\":\"add\",\"path\":\"/metadata/labels/" + escapedRoleLabel()
        + "\",\"value\":\"" + role + "\"}]";
    return calls.write("label pod " + describe(pod) + " " + ChildMeta.ROLE_LABEL + "=" + role, client -> client.pods()
            .inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
            .patch(PatchContext.of(PatchType.JSON), patch))
        .mapEmpty();
  }

  Future<Void> unlabel(Pod pod) {
    String patch = "[" + uidTest(pod) + ",{\"op\":\"remove\",\"path\":\"/metadata/labels/" + escapedRoleLabel() + "\"}]";
    return calls.write("remove the role label of pod " + describe(pod), client -> client.pods()
            .inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
            .patch(PatchContext.of(PatchType.JSON), patch))
        .mapEmpty();
  }

  /** Deletes the pod as cached; a pod changed or replaced since is left alone (409). */
  Future<Void> delete(Pod pod) {
    return calls.write("delete pod " + describe(pod), client -> client.resource(pod).lockResourceVersion().delete())
        .mapEmpty();
  }

  /** Removes the switchover request; returns the cluster as stored. */
  Future<PostgresCluster> removeSwitchoverRequest(PostgresCluster cluster) {
    String namespace = cluster.getMetadata().getNamespace();
    String name = cluster.getMetadata().getName();
    String patch = "{\"metadata\":{\"annotations\":{\"" + PostgresCluster.TARGET_PRIMARY_ANNOTATION + "\":null}}}";
    return calls.write("remove the switchover request of PostgresCluster " + namespace + "/" + name,
        client -> client.resources(PostgresCluster.class).inNamespace(namespace).withName(name)
            .patch(PatchContext.of(PatchType.JSON_MERGE), patch));
  }

  private static String uidTest(Pod pod) {
    return "{\"op\":\"test\",\"path\":\"/metadata/uid\",\"value\":\"" + pod.getMetadata().getUid() + "\"}";
  }

  private static String escapedRoleLabel() {
    return ChildMeta.ROLE_LABEL.replace("~", "~0").replace("/", "~1");
  }

  private static String describe(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
