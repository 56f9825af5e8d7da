package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import org.junit.jupiter.api.Test;

class PrimaryVolumeCheckTest {

  static final String REFUSAL = "/var/lib/postgresql/data/pgdata holds no database, but this cluster was initialised"
      + " before: its volume was lost or replaced. Refusing to create a new, empty database in its place.";

  static Pod instanceZero(String lastMessage, String currentMessage) {
    return new PodBuilder().withNewMetadata().withName("orders-0").endMetadata()
        .withNewStatus().addNewContainerStatus().withName("postgres")
        .withNewLastState().withNewTerminated().withExitCode(1).withMessage(lastMessage).endTerminated().endLastState()
        .withNewState().withNewWaiting().withReason("CrashLoopBackOff").withMessage(currentMessage).endWaiting().endState()
        .endContainerStatus().endStatus().build();
  }

  @Test
  void readsTheRefusalFromTheLastTermination() {
    assertThat(PrimaryVolumeCheck.refusal(instanceZero(REFUSAL + "\n", "back-off 10s"))).contains(REFUSAL);
  }

  @Test
  void anyOtherEndIsNoRefusal() {
    assertThat(PrimaryVolumeCheck.refusal(instanceZero("out of memory", "back-off"))).isEmpty();
    assertThat(PrimaryVolumeCheck.refusal(new PodBuilder().withNewMetadata().withName("orders-0").endMetadata().build()))
        .isEmpty();
    assertThat(PrimaryVolumeCheck.refusal(null)).isEmpty();
  }

  @Test
  void onlyAnInitialisedClusterWithoutAReadyInstanceIsWorthAsking() {
    StatefulSet none = new StatefulSetBuilder().withNewStatus().withReplicas(3).withReadyReplicas(0).endStatus().build();
    StatefulSet one = new StatefulSetBuilder().withNewStatus().withReplicas(3).withReadyReplicas(1).endStatus().build();
    assertThat(PrimaryVolumeCheck.worthAsking(true, none)).isTrue();
    assertThat(PrimaryVolumeCheck.worthAsking(false, none)).as("a new cluster is still starting").isFalse();
    assertThat(PrimaryVolumeCheck.worthAsking(true, one)).isFalse();
    assertThat(PrimaryVolumeCheck.worthAsking(true, null)).isFalse();
  }
}
