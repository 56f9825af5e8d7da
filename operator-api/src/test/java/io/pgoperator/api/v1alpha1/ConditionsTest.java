package io.pgoperator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

  private static final Instant T0 = Instant.parse("2025-01-01T10:00:00.123Z");
  private static final Instant T1 = Instant.parse("2025-01-01T10:05:00Z");

  @Test
  void newConditionGetsNowAsTransitionTime() {
    List<Condition> list = Conditions.set(null, Conditions.READY, Conditions.FALSE,
        "Provisioning", "0/3 ready", 1, T0);

    assertThat(list).singleElement().satisfies(c -> {
      assertThat(c.getType()).isEqualTo("Ready");
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("Provisioning");
      assertThat(c.getMessage()).isEqualTo("0/3 ready");
      assertThat(c.getObservedGeneration()).isEqualTo(1L);
      assertThat(c.getLastTransitionTime()).isEqualTo("2025-01-01T10:00:00Z");
    });
  }

  @Test
  void sameStatusKeepsTransitionTimeButUpdatesTheRest() {
    List<Condition> first = Conditions.set(null, Conditions.READY, Conditions.FALSE,
        "Provisioning", "0/3 ready", 1, T0);
    List<Condition> second = Conditions.set(first, Conditions.READY, Conditions.FALSE,
        "Provisioning", "2/3 ready", 2, T1);

    Condition c = second.get(0);
    assertThat(c.getLastTransitionTime()).isEqualTo("2025-01-01T10:00:00Z");
    assertThat(c.getMessage()).isEqualTo("2/3 ready");
    assertThat(c.getObservedGeneration()).isEqualTo(2L);
  }

  @Test
  void statusFlipMovesTransitionTime() {
    List<Condition> first = Conditions.set(null, Conditions.READY, Conditions.FALSE,
        "Provisioning", "", 1, T0);
    List<Condition> second = Conditions.set(first, Conditions.READY, Conditions.TRUE,
        "AllInstancesReady", "", 1, T1);

    assertThat(second.get(0).getLastTransitionTime()).isEqualTo("2025-01-01T10:05:00Z");
    assertThat(Conditions.isTrue(second, Conditions.READY)).isTrue();
    assertThat(Conditions.isTrue(first, Conditions.READY)).isFalse();
  }

  @Test
  void otherConditionsKeepOrderAndTheInputIsNotModified() {
    List<Condition> first = Conditions.set(null, Conditions.READY, Conditions.FALSE, "A", "", 1, T0);
    List<Condition> both = Conditions.set(first, Conditions.RECONCILED, Conditions.TRUE, "B", "", 1,
        T0);
    List<Condition> updated = Conditions.set(both, Conditions.READY, Conditions.TRUE, "C", "", 1,
        T1);

    assertThat(first).hasSize(1);
    assertThat(updated).extracting(Condition::getType).containsExactly("Ready", "Reconciled");
    assertThat(updated.get(1)).isEqualTo(both.get(1));
    assertThat(Conditions.find(updated, "Missing")).isEmpty();
  }
}
