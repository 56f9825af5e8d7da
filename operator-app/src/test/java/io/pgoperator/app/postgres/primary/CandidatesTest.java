package io.pgoperator.app.postgres.primary;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.app.postgres.primary.Candidates.Answer;
import io.pgoperator.app.postgres.replication.InstanceState;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CandidatesTest {

  private static final String SYSTEM = "7312";
  private static final long MIB = 1024 * 1024;

  @Test
  void theStandbyHoldingTheMostWalIsPromoted() {
    Map<String, Answer> answers = new LinkedHashMap<>();
    answers.put("orders-1", standby(100 * MIB));
    answers.put("orders-2", standby(120 * MIB));
    assertThat(Candidates.choose("orders", answers, SYSTEM, 121 * MIB, 16 * MIB))
        .isEqualTo(new Candidates.Promote("orders-2", MIB, 120 * MIB));
  }

  @Test
  void aTieGoesToTheLowestOrdinal() {
    Map<String, Answer> answers = new LinkedHashMap<>();
    answers.put("orders-10", standby(5 * MIB));
    answers.put("orders-2", standby(5 * MIB));
    answers.put("orders-1", standby(5 * MIB));
    assertThat(Candidates.choose("orders", answers, SYSTEM, 0, 0))
        .isInstanceOfSatisfying(Candidates.Promote.class, p -> assertThat(p.pod()).isEqualTo("orders-1"));
  }

  @Test
  void aStandbyFurtherBehindThanTheMaximumLagIsNotPromoted() {
    Map<String, Answer> answers = Map.of("orders-1", standby(10 * MIB));
    assertThat(Candidates.choose("orders", answers, SYSTEM, 30 * MIB, 16 * MIB))
        .isInstanceOfSatisfying(Candidates.NoCandidate.class, none -> assertThat(none.why())
            .contains("orders-1", "lacks " + 20 * MIB + " bytes", "failover.maximumLag (" + 16 * MIB + " bytes)"));
    assertThat(Candidates.choose("orders", answers, SYSTEM, 30 * MIB, 20 * MIB))
        .as("raising the maximum lag accepts the loss").isInstanceOf(Candidates.Promote.class);
  }

  @Test
  void anUnknownPrimaryPositionHoldsTheBestStandbyToNothing() {
    assertThat(Candidates.choose("orders", Map.of("orders-1", standby(10)), SYSTEM, 0, 0))
        .isEqualTo(new Candidates.Promote("orders-1", 0, 10));
  }

  @Test
  void onlyInstancesInRecoveryOfThisDatabaseThatAnsweredAreCandidates() {
    Map<String, Answer> answers = new LinkedHashMap<>();
    answers.put("orders-1", Answer.failed("connection refused"));
    answers.put("orders-2", Answer.of(new InstanceState(false, SYSTEM, 2, 900 * MIB)));
    answers.put("orders-3", Answer.of(new InstanceState(true, "9999", 1, 900 * MIB)));
    assertThat(Candidates.choose("orders", answers, SYSTEM, 0, 16 * MIB))
        .isInstanceOfSatisfying(Candidates.NoCandidate.class, none -> assertThat(none.why())
            .contains("orders-1 did not answer (connection refused)", "orders-2 is not in recovery",
                "orders-3 is database system 9999, not 7312"));
    answers.put("orders-4", standby(MIB));
    assertThat(Candidates.choose("orders", answers, SYSTEM, 0, 16 * MIB))
        .isInstanceOfSatisfying(Candidates.Promote.class, p -> assertThat(p.pod()).isEqualTo("orders-4"));
  }

  @Test
  void noStandbyAtAll() {
    assertThat(Candidates.choose("orders", Map.of(), SYSTEM, 0, 0))
        .isEqualTo(new Candidates.NoCandidate("no standby pod exists"));
  }

  private static Answer standby(long position) {
    return Answer.of(new InstanceState(true, SYSTEM, 1, position));
  }
}
