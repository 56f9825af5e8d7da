package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.ResourcesSpec;
import io.pgoperator.app.postgres.children.ClusterServices;
import io.pgoperator.app.postgres.children.PostgresStatefulSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class DriftTest {

  private final PostgresCluster cluster = Clusters.full("orders");

  @Test
  void statefulSetAsTheServerReturnsItIsInSync() {
    StatefulSet desired = PostgresStatefulSet.build(cluster);
    assertThat(drift(desired, asServerReturns(desired))).isEmpty();
  }

  @Test
  void serviceWithClusterIpAndOtherManagersLabelsIsInSync() {
    Service desired = ClusterServices.readWrite(cluster);
    ObjectNode actual = asServerReturns(desired);
    ((ObjectNode) actual.get("metadata").get("labels")).put("team", "payments");
    ((ObjectNode) actual.get("metadata")).putObject("annotations").put("note", "kept");
    assertThat(drift(desired, actual)).isEmpty();
  }

  @Test
  void quantitiesTheServerCanonicalisedAreNotDrift() {
    cluster.getSpec().setResources(new ResourcesSpec(
        Map.of("cpu", new Quantity("0.5"), "memory", new Quantity("1024Mi")), null));
    StatefulSet desired = PostgresStatefulSet.build(cluster);
    ObjectNode actual = asServerReturns(desired);
    ObjectNode requests = (ObjectNode) container(actual).get("resources").get("requests");
    requests.put("cpu", "500m");
    requests.put("memory", "1Gi");
    assertThat(drift(desired, actual)).isEmpty();
  }

  @Test
  void aScaledStatefulSetHasDriftedReplicas() {
    StatefulSet desired = PostgresStatefulSet.build(cluster);
    ObjectNode actual = asServerReturns(desired);
    ((ObjectNode) actual.get("spec")).put("replicas", 5);
    assertThat(drift(desired, actual)).containsExactly("spec.replicas");
  }

  @Test
  void aResourceLimitNoLongerInTheSpecIsDrift() {
    StatefulSet running = PostgresStatefulSet.build(cluster);
    cluster.getSpec().setResources(new ResourcesSpec(Map.of("cpu", new Quantity("500m")), null));
    StatefulSet desired = PostgresStatefulSet.build(cluster);
    assertThat(drift(desired, asServerReturns(running)))
        .contains("spec.template.spec.containers[0].resources.limits",
            "spec.template.spec.containers[0].resources.requests.memory");
  }

  @Test
  void aSelectorKeySomeoneAddedIsDrift() {
    Service desired = ClusterServices.readWrite(cluster);
    ObjectNode actual = asServerReturns(desired);
    ((ObjectNode) actual.get("spec").get("selector")).put("extra", "x");
    assertThat(drift(desired, actual)).containsExactly("spec.selector.extra");
  }

  @Test
  void aChangedOrAddedPortIsDrift() {
    Service desired = ClusterServices.readWrite(cluster);
    ObjectNode changed = asServerReturns(desired);
    ((ObjectNode) changed.get("spec").get("ports").get(0)).put("port", 5433);
    assertThat(drift(desired, changed)).containsExactly("spec.ports[0].port");

    ObjectNode added = asServerReturns(desired);
    ((ArrayNode) added.get("spec").get("ports")).addObject().put("name", "metrics").put("port", 9187);
    assertThat(drift(desired, added)).containsExactly("spec.ports");
  }

  @Test
  void aMissingControllerReferenceIsDriftButAnotherOwnersReferenceIsNot() {
    Service desired = ClusterServices.headless(cluster);
    ObjectNode foreign = asServerReturns(desired);
    ((ArrayNode) foreign.get("metadata").get("ownerReferences")).insertObject(0)
        .put("apiVersion", "v1").put("kind", "ConfigMap").put("name", "other").put("uid", "u-1");
    assertThat(drift(desired, foreign)).isEmpty();

    ObjectNode orphaned = asServerReturns(desired);
    ((ObjectNode) orphaned.get("metadata")).remove("ownerReferences");
    assertThat(drift(desired, orphaned))
        .containsExactly("metadata.ownerReferences");
  }

  @Test
  void overlayRepairsWhatDriftedAndKeepsWhatTheServerAndOthersSet() {
    Service desired = ClusterServices.readWrite(cluster);
    ObjectNode actual = asServerReturns(desired);
    ObjectNode spec = (ObjectNode) actual.get("spec");
    ((ObjectNode) spec.get("selector")).put("extra", "x");
    ((ObjectNode) spec.get("ports").get(0)).put("port", 5433);
    ((ObjectNode) actual.get("metadata").get("labels")).put("team", "payments");

    JsonNode repaired = repair(actual, desired);

    assertThat(Drift.differences(Drift.tree(desired), repaired)).isEmpty();
    assertThat(repaired.get("spec").get("clusterIP").stringValue()).isEqualTo("10.96.0.42");
    assertThat(repaired.get("spec").get("selector").has("extra")).isFalse();
    assertThat(repaired.get("spec").get("ports").get(0).get("port").intValue()).isEqualTo(5432);
    assertThat(repaired.get("metadata").get("labels").get("team").stringValue()).isEqualTo("payments");
    assertThat(repaired.get("metadata").get("resourceVersion").stringValue()).isEqualTo("4711");
    assertThat(repaired.get("metadata").has("managedFields")).isFalse();
  }

  @Test
  void overlayKeepsDefaultsInsideListItemsAndReplacesListsOfAnotherLength() {
    StatefulSet running = PostgresStatefulSet.build(cluster);
    cluster.getSpec().setImage("registry.example.com/postgres:16.4");
    StatefulSet desired = PostgresStatefulSet.build(cluster);
    ObjectNode actual = asServerReturns(running);
    ((ArrayNode) actual.get("spec").get("template").get("spec").get("containers")).addObject()
        .put("name", "sidecar").put("image", "busybox");

    JsonNode repaired = repair(actual, desired);

    assertThat(Drift.differences(Drift.tree(desired), repaired)).isEmpty();
    JsonNode containers = repaired.get("spec").get("template").get("spec").get("containers");
    assertThat(containers.size()).isEqualTo(1);
    assertThat(containers.get(0).get("image").stringValue())
        .isEqualTo("registry.example.com/postgres:16.4");
    JsonNode volume = repaired.get("spec").get("template").get("spec").get("volumes").get(0);
    assertThat(volume.get("configMap").get("defaultMode").intValue()).isEqualTo(420);
  }

  @Test
  void overlayReplacesAStaleControllerReferenceAndKeepsOtherOwners() {
    Service desired = ClusterServices.headless(cluster);
    ObjectNode actual = asServerReturns(desired);
    ArrayNode refs = (ArrayNode) actual.get("metadata").get("ownerReferences");
    ((ObjectNode) refs.get(0)).put("uid", "uid-of-a-deleted-cluster");
    refs.addObject().put("apiVersion", "v1").put("kind", "ConfigMap").put("name", "other")
        .put("uid", "u-1");
    assertThat(drift(desired, actual))
        .containsExactly("metadata.ownerReferences");

    JsonNode repaired = repair(actual, desired);

    JsonNode after = repaired.get("metadata").get("ownerReferences");
    assertThat(after.size()).isEqualTo(2);
    assertThat(after.get(0).get("uid").stringValue()).isEqualTo("u-1");
    assertThat(after.get(1).get("uid").stringValue()).isEqualTo(Clusters.UID);
    assertThat(after.get(1).get("controller").booleanValue()).isTrue();
  }

  @Test
  void quantitiesCompareByValue() {
    assertThat(Drift.quantitiesEqual("1", "1000m")).isTrue();
    assertThat(Drift.quantitiesEqual("1Gi", "1024Mi")).isTrue();
    assertThat(Drift.quantitiesEqual("1G", "1Gi")).isFalse();
    assertThat(Drift.quantitiesEqual("abc", "abc")).isTrue();
    assertThat(Drift.quantitiesEqual("abc", "1")).isFalse();
  }

  /**
   * Drift of {@code actual} from {@code desired}, the same whether read from the whole object or
   * from the form the informer caches keep (see {@link CachedDriftTest}).
   */
  private static List<String> drift(HasMetadata desired, ObjectNode actual) {
    List<String> whole = Drift.differences(Drift.tree(desired), actual);
    HasMetadata cached = CachedDriftTest.cachedForm(Drift.fromTree(actual, desired.getClass()));
    assertThat(Drift.differences(Drift.tree(desired), Drift.tree(cached))).as("drift seen in the cached form")
        .isEqualTo(whole);
    return whole;
  }

  /** The repair of {@code actual}, the same when laid over the cached form as over the whole object. */
  private static JsonNode repair(ObjectNode actual, HasMetadata desired) {
    HasMetadata whole = Drift.fromTree(actual, desired.getClass());
    HasMetadata cached = CachedDriftTest.cachedForm(whole);
    assertThat(Drift.overlay(Drift.tree(cached), Drift.tree(desired))).as("the repair laid over the cached form")
        .isEqualTo(Drift.overlay(Drift.tree(whole), Drift.tree(desired)));
    return Drift.overlay(actual, Drift.tree(desired));
  }

  /** The object as a kube-apiserver returns it: identity, defaults and server-set fields. */
  static ObjectNode asServerReturns(HasMetadata desired) {
    ObjectNode tree = (ObjectNode) Drift.tree(desired);
    ObjectNode meta = (ObjectNode) tree.get("metadata");
    meta.put("uid", "0d2c4b1a-0000-4000-8000-000000000001");
    meta.put("resourceVersion", "4711");
    meta.put("generation", 3);
    meta.put("creationTimestamp", "2026-01-01T00:00:00Z");
    meta.putArray("managedFields").addObject().put("manager", "pg-operator")
        .put("operation", "Update");
    ObjectNode spec = (ObjectNode) tree.get("spec");
    if (desired instanceof Service) {
      if (!spec.has("clusterIP")) {
        spec.put("clusterIP", "10.96.0.42");
      }
      spec.putArray("clusterIPs").add(spec.get("clusterIP").stringValue());
      spec.put("sessionAffinity", "None");
      spec.put("internalTrafficPolicy", "Cluster");
      spec.putArray("ipFamilies").add("IPv4");
      spec.put("ipFamilyPolicy", "SingleStack");
    }
    if (desired instanceof StatefulSet) {
      spec.put("revisionHistoryLimit", 10);
      ((ObjectNode) spec.get("updateStrategy")).putObject("rollingUpdate").put("partition", 0);
      ObjectNode pod = (ObjectNode) spec.get("template").get("spec");
      pod.put("restartPolicy", "Always");
      pod.put("dnsPolicy", "ClusterFirst");
      pod.put("schedulerName", "default-scheduler");
      for (JsonNode c : pod.get("containers")) {
        ((ObjectNode) c).put("imagePullPolicy", "IfNotPresent");
        ((ObjectNode) c).put("terminationMessagePath", "/dev/termination-log");
        for (JsonNode env : c.get("env")) {
          if (env.has("valueFrom") && env.get("valueFrom").has("fieldRef")) {
            ((ObjectNode) env.get("valueFrom").get("fieldRef")).put("apiVersion", "v1");
          }
        }
      }
      for (JsonNode v : pod.get("volumes")) {
        if (v.has("configMap")) {
          ((ObjectNode) v.get("configMap")).put("defaultMode", 420);
        }
      }
      for (JsonNode claim : spec.get("volumeClaimTemplates")) {
        ((ObjectNode) claim.get("spec")).put("volumeMode", "Filesystem");
        ((ObjectNode) claim).putObject("status").put("phase", "Pending");
      }
      tree.putObject("status").put("replicas", 0).put("availableReplicas", 0);
    }
    return tree;
  }

  private static ObjectNode container(JsonNode statefulSet) {
    return (ObjectNode) statefulSet.get("spec").get("template").get("spec").get("containers").get(0);
  }
}
