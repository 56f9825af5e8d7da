package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.runtime.time.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EventRecorderTest {

  private final FakeClock clock = new FakeClock();
  private final EventRecorder recorder = new EventRecorder(null, clock, "pg-operator-7d9f-abcde");

  @Test
  void anEventNamesTheClusterAndTheOperator() {
    PostgresCluster cluster = Clusters.minimal("demo");
    Event event = recorder.build(cluster, EventRecorder.NORMAL, "Created", "Created Service demo-rw");

    assertThat(event.getMetadata().getNamespace()).isEqualTo(Clusters.NAMESPACE);
    assertThat(event.getMetadata().getName()).startsWith("demo.");
    assertThat(event.getInvolvedObject().getApiVersion()).isEqualTo(PostgresCluster.API_VERSION);
    assertThat(event.getInvolvedObject().getKind()).isEqualTo(PostgresCluster.KIND);
    assertThat(event.getInvolvedObject().getName()).isEqualTo("demo");
    assertThat(event.getInvolvedObject().getNamespace()).isEqualTo(Clusters.NAMESPACE);
    assertThat(event.getInvolvedObject().getUid()).isEqualTo(Clusters.UID);
    assertThat(event.getType()).isEqualTo("Normal");
    assertThat(event.getReason()).isEqualTo("Created");
    assertThat(event.getMessage()).isEqualTo("Created Service demo-rw");
    assertThat(event.getSource().getComponent()).isEqualTo("pg-operator");
    assertThat(event.getReportingComponent()).isEqualTo("postgres.example.com/pg-operator");
    assertThat(event.getReportingInstance()).isEqualTo("pg-operator-7d9f-abcde");
    assertThat(event.getFirstTimestamp()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(event.getLastTimestamp()).isEqualTo(event.getFirstTimestamp());
    assertThat(event.getCount()).isEqualTo(1);
  }

  @Test
  void eventsRecordedInTheSameInstantGetDistinctNames() {
    PostgresCluster cluster = Clusters.minimal("demo");
    String first = recorder.build(cluster, EventRecorder.NORMAL, "Created", "a").getMetadata().getName();
    String second = recorder.build(cluster, EventRecorder.NORMAL, "Created", "b").getMetadata().getName();
    clock.advance(Duration.ofMillis(1));
    String third = recorder.build(cluster, EventRecorder.NORMAL, "Created", "c").getMetadata().getName();
    assertThat(first).isNotEqualTo(second).isNotEqualTo(third);
    assertThat(second).isNotEqualTo(third);
  }

  @Test
  void aDuplicateWithinTheWindowMakesNoRequest() {
    // calls is null: a write attempt would fail with a NullPointerException.
    PostgresCluster cluster = Clusters.minimal("demo");
    EventRecorder deduplicating = new EventRecorder(null, clock, "x");
    // Prime the memory as a recorded event would, then record the same event.
    assertThat(deduplicatingKeyRecorded(deduplicating, cluster)).isTrue();
    assertThat(deduplicating.warning(cluster, "InvalidSpec", "fix port").succeeded()).isTrue();
  }

  private static boolean deduplicatingKeyRecorded(EventRecorder recorder, PostgresCluster cluster) {
    return recorder.dedupForTests().shouldRecord(new EventDedup.Key(cluster.getMetadata().getUid(),
        EventRecorder.WARNING, "InvalidSpec", "fix port"));
  }
}
