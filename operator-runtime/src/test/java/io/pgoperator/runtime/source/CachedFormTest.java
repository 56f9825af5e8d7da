package io.pgoperator.runtime.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CachedFormTest {

  @Test
  void theCachedFormSaysExactlyWhatTheReceivedObjectSaid() {
    for (HasMetadata object : List.of(statefulSet("a"), service("a", "10.96.0.1"), configMap("a", "x"), pod("a"),
        gadget("a"))) {
      String received = Serialization.asJson(object);
      HasMetadata cached = CachedForm.of(fromWire(object), CacheTransform.whole());
      assertThat(Serialization.asJson(cached)).as(object.getKind()).isEqualTo(received);
      if (!(object instanceof Gadget)) {
        HasMetadata expected = fromWire(object);
        expected.getMetadata().setManagedFields(null);
        assertThat(cached).as("fabric8's equals of " + object.getKind()).isEqualTo(expected);
      }
    }
  }

  @Test
  void managedFieldsAreDropped() {
    Service received = fromWire(service("a", "10.96.0.1"));
    received.getMetadata().setManagedFields(List.of(new io.fabric8.kubernetes.api.model.ManagedFieldsEntry()));
    assertThat(CachedForm.of(received, CacheTransform.whole()).getMetadata().getManagedFields()).isNull();
  }

  @Test
  void theTransformDecidesWhatIsKept() {
    Pod cached = CachedForm.of(fromWire(pod("a")), pod -> {
      pod.setSpec(null);
      return pod;
    });
    assertThat(cached.getSpec()).isNull();
    assertThat(cached.getStatus().getPhase()).isEqualTo("Running");
  }

  @Test
  void equalPartsOfDifferentObjectsAreOneObject() {
    // The table of canonical values is lossy by design (a value whose slot another took is kept
    // as a copy), and slots follow identity hashes, which differ from run to run: of 50 equal
    // parts a few may be copies, never most. Without sharing there would be 50.
    List<StatefulSet> cached = IntStream.range(0, 50)
        .mapToObj(i -> CachedForm.of(fromWire(statefulSet("s" + i)), CacheTransform.whole())).toList();

    assertThat(distinct(cached, s -> container(s).getReadinessProbe())).isLessThanOrEqualTo(5);
    assertThat(distinct(cached, s -> container(s).getPorts())).isLessThanOrEqualTo(5);
    assertThat(distinct(cached, s -> s.getMetadata().getAnnotations())).isLessThanOrEqualTo(5);
    assertThat(distinct(cached, s -> container(s).getImage())).isLessThanOrEqualTo(5);
    // Different where the objects differ: the selector names the StatefulSet.
    assertThat(cached.get(1).getSpec().getSelector()).isNotEqualTo(cached.get(0).getSpec().getSelector());
  }

  private static Container container(StatefulSet set) {
    return set.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  /** How many different objects (by identity) {@code part} gives over {@code sets}. */
  private static int distinct(List<StatefulSet> sets, Function<StatefulSet, Object> part) {
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    sets.stream().map(part).map(Objects::requireNonNull).forEach(seen::add);
    return seen.size();
  }

  @Test
  void partsEqualOnlyByValueAreNotShared() {
    // Quantity says 1Gi equals 1024Mi; the cache keeps what the server said.
    StatefulSet gi = statefulSet("a");
    StatefulSet mi = statefulSet("b");
    mi.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getRequests()
        .put("memory", new io.fabric8.kubernetes.api.model.Quantity("1024Mi"));
    StatefulSet cachedGi = CachedForm.of(fromWire(gi), CacheTransform.whole());
    StatefulSet cachedMi = CachedForm.of(fromWire(mi), CacheTransform.whole());

    assertThat(cachedMi.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getRequests()
        .get("memory").toString()).isEqualTo("1024Mi");
    assertThat(cachedGi.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getRequests()
        .get("memory").toString()).isEqualTo("1Gi");
  }

  @Test
  void emptyCollectionsAreTheSharedImmutableOnes() {
    ConfigMap cached = CachedForm.of(fromWire(configMap("a", "x")), CacheTransform.whole());

    assertThat(cached.getAdditionalProperties()).isSameAs(Map.of());
    assertThat(cached.getMetadata().getAdditionalProperties()).isSameAs(Map.of());
    assertThat(cached.getMetadata().getFinalizers()).isSameAs(List.of());
    assertThat(cached.getBinaryData()).isSameAs(Map.of());
  }

  @Test
  void cachedCollectionsCannotBeModified() {
    ConfigMap cached = CachedForm.of(fromWire(configMap("a", "x")), CacheTransform.whole());

    assertThatThrownBy(() -> cached.getData().put("b", "y")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> cached.getMetadata().getLabels().remove("app"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> cached.getMetadata().getOwnerReferences().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> cached.getAdditionalProperties().put("x", 1))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void mapsKeepTheirOrderAndListsTheirNulls() {
    ConfigMap received = fromWire(configMap("a", "x"));
    received.setData(new java.util.LinkedHashMap<>(Map.of()));
    for (String key : List.of("zeta", "alpha", "mu", "beta")) {
      received.getData().put(key, key.toUpperCase());
    }
    received.getMetadata().setFinalizers(new ArrayList<>(Arrays.asList("a", null, "c")));
    ConfigMap cached = CachedForm.of(received, CacheTransform.whole());

    assertThat(cached.getData().keySet()).containsExactly("zeta", "alpha", "mu", "beta");
    assertThat(cached.getData()).containsEntry("mu", "MU").doesNotContainKey("nu");
    assertThat(cached.getMetadata().getFinalizers()).containsExactly("a", null, "c");
  }

  @Test
  void aCustomResourcesSpecIsCompactedToo() {
    Gadget a = CachedForm.of(fromWire(gadget("a")), CacheTransform.whole());
    Gadget b = CachedForm.of(fromWire(gadget("b")), CacheTransform.whole());

    assertThat(b.getSpec().getParts()).isSameAs(a.getSpec().getParts());
    assertThat(b.getSpec().getSettings()).isSameAs(a.getSpec().getSettings());
    assertThat(b.getSpec().getSize()).isSameAs(a.getSpec().getSize());
    assertThat(b.getSpec()).as("the same parts: one spec").isSameAs(a.getSpec());
  }

  /** A fresh copy, as an informer deserializes it: its own strings and collections. */
  @SuppressWarnings("unchecked")
  static <T extends HasMetadata> T fromWire(T object) {
    return (T) Serialization.unmarshal(Serialization.asJson(object), object.getClass());
  }

  static StatefulSet statefulSet(String name) {
    return new StatefulSetBuilder()
        .withNewMetadata().withName(name).withNamespace("ns").withUid("uid-" + name).withResourceVersion("7")
        .addToLabels("app", name).addToAnnotations("version", "16").endMetadata()
        .withNewSpec().withReplicas(3).withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec().addNewContainer().withName("postgres").withImage("postgres:16")
        .addNewPort().withName("pg").withContainerPort(5432).withProtocol("TCP").endPort()
        .addNewEnv().withName("CLUSTER").withValue(name).endEnv()
        .withNewReadinessProbe().withNewExec().withCommand("probe.sh", "ready").endExec().withPeriodSeconds(10)
        .endReadinessProbe()
        .withNewResources().addToRequests("memory", new io.fabric8.kubernetes.api.model.Quantity("1Gi"))
        .endResources()
        .endContainer().endSpec().endTemplate().endSpec()
        .withNewStatus().withReplicas(3).withReadyReplicas(2).endStatus()
        .build();
  }

  static Service service(String name, String clusterIp) {
    return new ServiceBuilder()
        .withNewMetadata().withName(name).withNamespace("ns").addToLabels("app", name).endMetadata()
        .withNewSpec().withClusterIP(clusterIp).addToSelector("app", name)
        .addNewPort().withName("pg").withPort(5432).withNewTargetPort("pg").endPort().endSpec()
        .build();
  }

  static ConfigMap configMap(String name, String value) {
    return new ConfigMapBuilder()
        .withNewMetadata().withName(name).withNamespace("ns").addToLabels("app", name)
        .addNewOwnerReference().withApiVersion("v1").withKind("Thing").withName("owner").withUid("u1")
        .withController(true).endOwnerReference().endMetadata()
        .addToData("value", value).addToData("script", "#!/bin/sh\necho same everywhere\n")
        .build();
  }

  static Pod pod(String name) {
    return new PodBuilder()
        .withNewMetadata().withName(name).withNamespace("ns").addToLabels("app", name).endMetadata()
        .withNewSpec().addNewContainer().withName("postgres").withImage("postgres:16").endContainer().endSpec()
        .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition()
        .endStatus()
        .build();
  }

  static Gadget gadget(String name) {
    Gadget gadget = new Gadget();
    gadget.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace("ns")
        .build());
    Gadget.Spec spec = new Gadget.Spec();
    spec.setSize("large");
    spec.setParts(List.of("wheel", "axle"));
    spec.setSettings(Map.of("speed", "fast"));
    gadget.setSpec(spec);
    return gadget;
  }
}
