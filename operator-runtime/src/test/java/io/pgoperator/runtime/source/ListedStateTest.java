package io.pgoperator.runtime.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ListedStateTest {

  /** Listed at revision 100: a at 90, b at 95. */
  private final ListedState listed = new ListedState(Map.of("ns/a", "90", "ns/b", "95"), "100");

  @Test
  void anInformerThatAppliedAnEventAtOrAfterTheListIsCaughtUpWhateverItsCacheHolds() {
    assertThat(listed.coveredBy("100", Map::of)).isTrue();
    assertThat(listed.coveredBy("130", Map::of)).isTrue();
  }

  @Test
  void aCacheHoldingEveryListedObjectAtItsVersionOrLaterIsCaughtUp() {
    assertThat(listed.coveredBy("80", () -> Map.of("ns/a", "90", "ns/b", "120"))).isTrue();
  }

  @Test
  void aListedObjectMissingOrOlderInTheCacheIsAnEventStillOnItsWay() {
    assertThat(listed.coveredBy("80", () -> Map.of("ns/a", "90"))).as("b's creation not yet seen").isFalse();
    assertThat(listed.coveredBy("80", () -> Map.of("ns/a", "90", "ns/b", "85"))).as("b's update not yet seen").isFalse();
  }

  @Test
  void aCachedObjectTheListLacksIsAPendingDeletionUnlessCreatedAfterTheList() {
    assertThat(listed.coveredBy("95", () -> Map.of("ns/a", "90", "ns/b", "95", "ns/gone", "70")))
        .as("deleted during the outage, its deletion not yet seen").isFalse();
    assertThat(listed.coveredBy("95", () -> Map.of("ns/a", "90", "ns/b", "95", "ns/new", "101")))
        .as("created after the list").isTrue();
  }

  @Test
  void versionsThatAreNotNumbersCannotBeJudgedAndDoNotHold() {
    assertThat(new ListedState(Map.of(), "opaque").coveredBy(null, Map::of)).isTrue();
    assertThat(new ListedState(Map.of("ns/a", "x1"), "100").coveredBy(null, Map::of)).isTrue();
  }
}
