package io.pgoperator.app.postgres.primary;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.pgoperator.app.postgres.children.ChildMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RollingUpdateTest {

  private static final PrimaryRecord PRIMARY_1 = new PrimaryRecord("orders-1", "orders-1", 2);

  @Test
  void standbysGoFirstHighestOrdinalFirstThenThePrimaryBySwitchover() {
    StatefulSet sts = statefulSet(3, "new");
    assertThat(RollingUpdate.next(sts, pods("old", "old", "old"), PRIMARY_1))
        .get().isInstanceOfSatisfying(RollingUpdate.RestartStandby.class,
            step -> assertThat(step.pod().getMetadata().getName()).isEqualTo("orders-2"));
    assertThat(RollingUpdate.next(sts, pods("old", "old", "new"), PRIMARY_1))
        .get().isInstanceOfSatisfying(RollingUpdate.RestartStandby.class,
            step -> assertThat(step.pod().getMetadata().getName()).isEqualTo("orders-0"));
    assertThat(RollingUpdate.next(sts, pods("new", "old", "new"), PRIMARY_1))
        .contains(new RollingUpdate.SwitchOver("orders-0", "new"));
    assertThat(RollingUpdate.next(sts, pods("new", "new", "new"), PRIMARY_1)).isEmpty();
  }

  @Test
  void nothingMovesWhileAnInstanceIsNotReadyOrTheStatusIsBehindTheSpec() {
    StatefulSet sts = statefulSet(3, "new");
    List<Pod> notReady = new ArrayList<>(pods("old", "old", "old").all());
    notReady.set(0, pod(0, "old", false, ChildMeta.ROLE_REPLICA));
    assertThat(RollingUpdate.next(sts, new InstancePods(notReady), PRIMARY_1)).isEmpty();
    assertThat(RollingUpdate.next(sts, new InstancePods(notReady.subList(1, 3)), PRIMARY_1)).as("a pod missing").isEmpty();
    sts.getMetadata().setGeneration(9L);
    assertThat(RollingUpdate.next(sts, pods("old", "old", "old"), PRIMARY_1)).isEmpty();
  }

  @Test
  void aSingleInstanceCanOnlyBeRestarted() {
    PrimaryRecord zero = new PrimaryRecord("orders-0", "orders-0", 1);
    assertThat(RollingUpdate.next(statefulSet(1, "new"), new InstancePods(List.of(pod(0, "old", true, ChildMeta.ROLE_PRIMARY))),
        zero)).get().isInstanceOf(RollingUpdate.RestartPrimary.class);
  }

  @Test
  void theSwitchoverGoesOnlyToAStandbySeenInRecovery() {
    StatefulSet sts = statefulSet(2, "new");
    PrimaryRecord zero = new PrimaryRecord("orders-0", "orders-0", 1);
    InstancePods unlabelled = new InstancePods(List.of(pod(0, "old", true, ChildMeta.ROLE_PRIMARY), pod(1, "new", true, null)));
    assertThat(RollingUpdate.next(sts, unlabelled, zero)).isEqualTo(Optional.empty());
  }

  private static InstancePods pods(String... revisions) {
    List<Pod> pods = new ArrayList<>();
    for (int ordinal = 0; ordinal < revisions.length; ordinal++) {
      pods.add(pod(ordinal, revisions[ordinal], true, ordinal == 1 ? ChildMeta.ROLE_PRIMARY : ChildMeta.ROLE_REPLICA));
    }
    return new InstancePods(pods);
  }

  private static Pod pod(int ordinal, String revision, boolean ready, String role) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withName("orders-" + ordinal)
        .addToLabels(RollingUpdate.REVISION_LABEL, revision).endMetadata()
        .withNewStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition().endStatus();
    if (role != null) {
      pod.editMetadata().addToLabels(ChildMeta.ROLE_LABEL, role).endMetadata();
    }
    return pod.build();
  }

  private static StatefulSet statefulSet(int replicas, String updateRevision) {
    return new StatefulSetBuilder().withNewMetadata().withName("orders").withGeneration(3L).endMetadata()
        .withNewSpec().withReplicas(replicas).endSpec()
        .withNewStatus().withObservedGeneration(3L).withUpdateRevision(updateRevision).endStatus()
        .build();
  }
}
