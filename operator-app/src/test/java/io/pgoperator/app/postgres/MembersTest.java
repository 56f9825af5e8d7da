package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.pgoperator.api.v1alpha1.InstanceStatus;
import io.pgoperator.app.postgres.replication.ReplicationReport;
import io.pgoperator.app.postgres.replication.ReplicationReport.Slot;
import io.pgoperator.app.postgres.replication.ReplicationReport.Standby;
import java.util.List;
import org.junit.jupiter.api.Test;

class MembersTest {

  private static final long MAX_LAG = 16L * 1024 * 1024;

  @Test
  void eachStandbyIsInSyncOnlyWhileStreamingWithinTheLagAndOtherwiseSaysWhy() {
    ReplicationReport report = new ReplicationReport("7312", 1, 0L, List.of(
        new Standby("orders-1", "streaming", 5L * 1024 * 1024 + 17),
        new Standby("orders-2", "streaming", 40L * 1024 * 1024),
        new Standby("orders-3", "catchup", 1024)),
        List.of(new Slot("orders_1", true, "reserved"), new Slot("orders_4", false, "lost")));

    Members.View view = Members.of("orders", "orders-0", 5, MAX_LAG, report);

    assertThat(view.members()).extracting(InstanceStatus::getName, InstanceStatus::getRole, InstanceStatus::getInSync,
            InstanceStatus::getReplayLagBytes)
        .containsExactly(
            tuple("orders-0", "primary", true, null),
            tuple("orders-1", "standby", true, 5L * 1024 * 1024),
            tuple("orders-2", "standby", false, 40L * 1024 * 1024),
            tuple("orders-3", "standby", false, 0L),
            tuple("orders-4", "standby", false, null));
    assertThat(view.members().get(2).getMessage()).contains("more than maxStandbyLag");
    assertThat(view.members().get(3).getMessage()).isEqualTo("WAL sender catchup");
    assertThat(view.members().get(4).getMessage()).contains("lost WAL it still needed", "cloned anew");
    assertThat(view.inSync()).isEqualTo(2);
    assertThat(view.systemIdentifier()).isEqualTo("7312");
  }

  @Test
  void onlyInactiveSlotsOfInstancesBeyondTheClusterAreObsolete() {
    ReplicationReport report = new ReplicationReport("1", 1, 0L, List.of(), List.of(
        new Slot("orders_1", false, "reserved"),
        new Slot("orders_2", false, "reserved"),
        new Slot("orders_3", true, "reserved"),
        new Slot("orders_backup", false, "reserved"),
        new Slot("billing_5", false, "reserved")));
    assertThat(Members.obsoleteSlots("orders", 2, report)).containsExactly("orders_2");
  }

  @Test
  void anUnreachablePrimaryLeavesEveryInstanceUnknownAndDropsNothing() {
    Members.View view = Members.unreachable("orders", "orders-0", 2, "connection refused");
    assertThat(view.inSync()).isZero();
    assertThat(view.obsoleteSlots()).isEmpty();
    assertThat(view.systemIdentifier()).isNull();
    assertThat(view.members().get(0).getMessage()).isEqualTo("the operator cannot reach the primary: connection refused");
  }
}
