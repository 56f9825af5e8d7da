package io.pgoperator.runtime.leader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A process knows its Pod from the four variables a Deployment sets, or not at all. */
class HolderPodTest {

  private static final Map<String, String> ALL = Map.of(
      "POD_NAMESPACE", "ops", "POD_NAME", "operator-7c9-abcde", "POD_UID", "uid-1", "CONTAINER_NAME", "operator");

  @Test
  void allFourVariablesNameThePod() {
    assertThat(HolderPod.from(ALL::get)).contains(new HolderPod("ops", "operator-7c9-abcde", "uid-1", "operator"));
  }

  @Test
  void aMissingOrBlankVariableMeansNoPod() {
    for (String missing : ALL.keySet()) {
      assertThat(HolderPod.from(name -> name.equals(missing) ? null : ALL.get(name))).as("without " + missing).isEmpty();
      assertThat(HolderPod.from(name -> name.equals(missing) ? " " : ALL.get(name))).as("blank " + missing).isEmpty();
    }
  }
}
