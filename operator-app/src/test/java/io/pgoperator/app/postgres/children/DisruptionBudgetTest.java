package io.pgoperator.app.postgres.children;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.pgoperator.app.postgres.Clusters;
import org.junit.jupiter.api.Test;

class DisruptionBudgetTest {

  @Test
  void singleInstanceGetsNoBudget() {
    assertThat(DisruptionBudget.build(Clusters.minimal("solo"))).isEmpty();
  }

  @Test
  void replicatedClusterAllowsOneInstanceDownAtATime() {
    PodDisruptionBudget pdb = DisruptionBudget.build(Clusters.full("orders")).orElseThrow();
    assertThat(pdb.getApiVersion()).isEqualTo("policy/v1");
    assertThat(pdb.getMetadata().getName()).isEqualTo("orders");
    assertThat(pdb.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(ref -> assertThat(ref.getKind()).isEqualTo("PostgresCluster"));
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getMinAvailable()).isNull();
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(ChildMeta.podSelector("orders"));
  }
}
