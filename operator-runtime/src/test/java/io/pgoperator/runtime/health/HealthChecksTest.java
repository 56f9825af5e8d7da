package io.pgoperator.runtime.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HealthChecksTest {

  private final HealthChecks checks = new HealthChecks();

  @Test
  void startsWithPing() {
    assertThat(checks.all()).containsOnlyKeys("ping");
    assertThat(checks.get("ping").orElseThrow().check().succeeded()).isTrue();
  }

  @Test
  void duplicateNameIsRejected() {
    checks.add("leader", HealthCheck.PING);

    assertThatThrownBy(() -> checks.add("leader", HealthCheck.PING))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'leader' is already registered");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Upper", "with space", "slash/name", "under_score", "dot.name"})
  void nameOutsideLowerCaseDigitsAndDashIsRejected(String name) {
    assertThatThrownBy(() -> checks.add(name, HealthCheck.PING))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lower-case letters, digits and '-'");
  }

  @Test
  void removedCheckIsGoneAndItsNameFreeAgain() {
    checks.add("informer-sync", HealthCheck.PING);

    checks.remove("informer-sync");
    checks.remove("never-added");

    assertThat(checks.get("informer-sync")).isEmpty();
    checks.add("informer-sync", HealthCheck.PING);
    assertThat(checks.all()).containsOnlyKeys("informer-sync", "ping");
  }

  @Test
  void booleanCheckFailsWithTheGivenReason() {
    var failing = HealthCheck.of(() -> false, "cache not synced").check();

    assertThat(failing.failed()).isTrue();
    assertThat(failing.cause()).hasMessage("cache not synced");
    assertThat(HealthCheck.of(() -> true, "unused").check().succeeded()).isTrue();
  }
}
