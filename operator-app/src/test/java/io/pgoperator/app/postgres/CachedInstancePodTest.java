package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgoperator.app.postgres.children.ChildMeta;
import io.pgoperator.app.postgres.primary.CachedPod;
import io.pgoperator.app.postgres.primary.InstancePods;
import io.pgoperator.app.postgres.primary.PrimaryRecord;
import io.pgoperator.app.postgres.primary.RollingUpdate;
import io.pgoperator.runtime.source.CachedForm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The instance pods as cached ({@link CachedPod}) answer every question the operator asks of a
 * pod as the whole pod does, and hold nothing the pod does not.
 */
class CachedInstancePodTest {

  @Test
  void everyReadOfACachedPodAnswersAsTheWholePod() throws Exception {
    for (Pod pod : pods()) {
      Pod cached = cached(pod);
      String name = pod.getMetadata().getName() + " " + Serialization.asJson(pod.getStatus());
      for (Map.Entry<String, Function<Pod, Object>> read : reads().entrySet()) {
        assertThat(read.getValue().apply(cached)).as(read.getKey() + " of " + name)
            .isEqualTo(read.getValue().apply(pod));
      }
      InstancePods whole = new InstancePods(List.of(pod));
      InstancePods kept = new InstancePods(List.of(cached));
      assertThat(kept.serving(pod.getMetadata().getName())).isEqualTo(whole.serving(pod.getMetadata().getName()));
      StatefulSet statefulSet = rolledStatefulSet();
      PrimaryRecord record = new PrimaryRecord("orders-1", "orders-1", 1);
      assertThat(RollingUpdate.next(statefulSet, kept, record).map(CachedInstancePodTest::describe))
          .as("the rolling update's next step with " + name)
          .isEqualTo(RollingUpdate.next(statefulSet, whole, record).map(CachedInstancePodTest::describe));
    }
  }

  @Test
  void aCachedPodHoldsOnlyWhatThePodSays() throws Exception {
    for (Pod pod : pods()) {
      assertThat(Drift.differences(Drift.tree(cached(pod)), Drift.tree(pod)))
          .as("fields of the cached %s not as in the pod", pod.getMetadata().getName()).isEmpty();
    }
    Pod served = served();
    assertThat(Serialization.asJson(cached(served)).length()).as("the cached pod's JSON")
        .isLessThan(Serialization.asJson(served).length() / 5);
  }

  private static Map<String, Function<Pod, Object>> reads() {
    return Map.of(
        "ready", InstancePods::ready,
        "running", InstancePods::running,
        "deleting", InstancePods::deleting,
        "role", pod -> String.valueOf(InstancePods.role(pod)),
        "notReadySince", InstancePods::notReadySince,
        "refusal", PrimaryVolumeCheck::refusal,
        "identity", pod -> String.join(" ", String.valueOf(pod.getApiVersion()), String.valueOf(pod.getKind()),
            pod.getMetadata().getNamespace(), pod.getMetadata().getName(), pod.getMetadata().getUid(),
            pod.getMetadata().getResourceVersion()),
        "labels", pod -> String.valueOf(pod.getMetadata().getLabels()));
  }

  /** The pod as the kubelet reports it, and the states the operator tells apart. */
  private static List<Pod> pods() throws Exception {
    List<Pod> pods = new ArrayList<>();
    Pod served = served();
    pods.add(served);
    pods.add(edit(served, pod -> pod.getMetadata().getLabels().put(ChildMeta.ROLE_LABEL, ChildMeta.ROLE_PRIMARY)));
    pods.add(edit(served, pod -> pod.getMetadata().getLabels().put(RollingUpdate.REVISION_LABEL, "orders-new")));
    pods.add(edit(served, pod -> pod.getMetadata().setDeletionTimestamp("2026-11-30T19:00:00Z")));
    pods.add(edit(served, pod -> pod.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType())).forEach(c -> {
          c.setStatus("False");
          c.setLastTransitionTime("2026-11-30T18:40:00Z");
        })));
    pods.add(edit(served, pod -> pod.getStatus().getContainerStatuses().get(0).setState(
        PrimaryVolumeCheckTest.instanceZero("x", "back-off").getStatus().getContainerStatuses().get(0).getState())));
    Pod refused = PrimaryVolumeCheckTest.instanceZero(PrimaryVolumeCheckTest.REFUSAL, "back-off 10s");
    refused.getMetadata().setLabels(ChildMeta.labels("orders", ChildMeta.COMPONENT_DATABASE));
    pods.add(refused);
    pods.add(new PodBuilder().withNewMetadata().withName("orders-2").endMetadata().build());
    return pods;
  }

  /** Instance 0 as the API server returns it, with the kubelet's status: Ready, running. */
  static Pod served() throws Exception {
    return Serialization.unmarshal(CacheFootprintBenchmark.fixture("pod"), Pod.class);
  }

  private static Pod cached(Pod pod) {
    return CachedForm.of(Serialization.unmarshal(Serialization.asJson(pod), Pod.class), CachedPod.FIELDS);
  }

  private static Pod edit(Pod pod, java.util.function.Consumer<Pod> change) {
    Pod copy = Serialization.unmarshal(Serialization.asJson(pod), Pod.class);
    change.accept(copy);
    return copy;
  }

  private static StatefulSet rolledStatefulSet() {
    return new StatefulSetBuilder().withNewMetadata().withName("orders").withGeneration(2L).endMetadata()
        .withNewSpec().withReplicas(1).endSpec()
        .withNewStatus().withObservedGeneration(2L).withUpdateRevision("orders-new").endStatus().build();
  }

  private static String describe(RollingUpdate.Step step) {
    if (step instanceof RollingUpdate.RestartStandby s) {
      return "restart standby " + s.pod().getMetadata().getName();
    }
    if (step instanceof RollingUpdate.RestartPrimary p) {
      return "restart primary " + p.pod().getMetadata().getName();
    }
    return "switch over to " + ((RollingUpdate.SwitchOver) step).target();
  }
}
