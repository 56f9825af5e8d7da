package io.pgoperator.app.postgres.primary;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterStatus;
import io.pgoperator.app.postgres.Clusters;
import org.junit.jupiter.api.Test;

class PrimaryRecordTest {

  @Test
  void aClusterWithoutARecordHasOrdinalZeroAtEpochOne() {
    PostgresCluster cluster = Clusters.full("orders");
    assertThat(PrimaryRecord.of(cluster)).isEqualTo(new PrimaryRecord("orders-0", "orders-0", 1));
    cluster.setStatus(new PostgresClusterStatus());
    assertThat(PrimaryRecord.of(cluster).changing()).isFalse();
  }

  @Test
  void aMoveIsDecidedWithTheNextEpochAndCompletedOnTheTarget() {
    PrimaryRecord decided = new PrimaryRecord("orders-0", "orders-0", 3).moveTo("orders-2");
    assertThat(decided).isEqualTo(new PrimaryRecord("orders-0", "orders-2", 4));
    assertThat(decided.changing()).isTrue();
    assertThat(decided.completed()).isEqualTo(new PrimaryRecord("orders-2", "orders-2", 4));
  }

  @Test
  void theRecordRoundTripsThroughTheStatus() {
    PostgresCluster cluster = Clusters.full("orders");
    PostgresClusterStatus status = new PostgresClusterStatus();
    new PrimaryRecord("orders-1", "orders-2", 7).writeTo(status);
    cluster.setStatus(status);
    assertThat(PrimaryRecord.of(cluster)).isEqualTo(new PrimaryRecord("orders-1", "orders-2", 7));
  }
}
