package io.pgoperator.app.postgres;

import io.pgoperator.api.v1alpha1.InstanceStatus;
import io.pgoperator.app.postgres.children.ChildNames;
import io.pgoperator.app.postgres.replication.ReplicationReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Each instance's line in the status, from what the primary reported (pure). A standby is in
 * sync while the primary has a WAL sender streaming to it with all but {@code maxLagBytes}
 * replayed, the same bound its readiness probe applies; when it is not, the line says why as
 * far as the primary can tell (the standby's own readiness probe message says the rest).
 */
final class Members {

  private static final long MIB = 1024L * 1024L;

  private Members() {
  }

  /**
   * @param systemIdentifier the primary's, null when the primary was not reached
   * @param obsoleteSlots inactive slots of instances beyond the StatefulSet's size
   */
  /**
   * @param timeline the primary's, null when the primary was not reached
   */
  record View(List<InstanceStatus> members, int inSync, String systemIdentifier, Integer timeline,
      List<String> obsoleteSlots) {
  }

  /** Instances in ordinal order, {@code primary} among them (or first, when beyond the StatefulSet's size). */
  static View of(String cluster, String primary, int instances, long maxLagBytes, ReplicationReport report) {
    List<InstanceStatus> members = new ArrayList<>();
    int inSync = 0;
    for (String pod : pods(cluster, primary, instances)) {
      InstanceStatus member = pod.equals(primary)
          ? new InstanceStatus(pod, InstanceStatus.PRIMARY, true, null,
              "accepting writes; " + report.standbys().size() + " standby connection(s)")
          : standby(pod, maxLagBytes, report.standby(pod), report.slot(slotName(pod)));
      members.add(member);
      inSync += Boolean.TRUE.equals(member.getInSync()) ? 1 : 0;
    }
    return new View(members, inSync, report.systemIdentifier(), report.timeline(),
        obsoleteSlots(cluster, instances, report));
  }

  /** The primary did not answer the operator: every instance's state is unknown. */
  static View unreachable(String cluster, String primary, int instances, String why) {
    List<InstanceStatus> members = new ArrayList<>();
    for (String pod : pods(cluster, primary, instances)) {
      members.add(pod.equals(primary)
          ? new InstanceStatus(pod, InstanceStatus.PRIMARY, false, null, "the operator cannot reach the primary: " + why)
          : new InstanceStatus(pod, InstanceStatus.STANDBY, false, null, "unknown: the primary did not answer the operator"));
    }
    return new View(members, 0, null, null, List.of());
  }

  private static List<String> pods(String cluster, String primary, int instances) {
    List<String> pods = new ArrayList<>();
    for (int ordinal = 0; ordinal < instances; ordinal++) {
      pods.add(ChildNames.pod(cluster, ordinal));
    }
    if (!pods.contains(primary)) {
      pods.add(0, primary);
    }
    return pods;
  }

  private static InstanceStatus standby(String pod, long maxLagBytes, Optional<ReplicationReport.Standby> sender,
      Optional<ReplicationReport.Slot> slot) {
    if (sender.isEmpty()) {
      String why = slot.filter(s -> "lost".equals(s.walStatus())).isPresent()
          ? "its replication slot lost WAL it still needed (past max_slot_wal_keep_size): it must be cloned anew"
              + " (delete its PersistentVolumeClaim and pod)"
          : "not streaming from the primary; its readiness probe says why";
      return new InstanceStatus(pod, InstanceStatus.STANDBY, false, null, why);
    }
    ReplicationReport.Standby standby = sender.get();
    Long lag = standby.replayLagBytes() < 0 ? null : standby.replayLagBytes() / MIB * MIB;
    if (!"streaming".equals(standby.state())) {
      return new InstanceStatus(pod, InstanceStatus.STANDBY, false, lag, "WAL sender " + standby.state());
    }
    if (standby.replayLagBytes() < 0 || standby.replayLagBytes() > maxLagBytes) {
      return new InstanceStatus(pod, InstanceStatus.STANDBY, false, lag,
          "streaming, but replay is more than maxStandbyLag (" + maxLagBytes + " bytes) behind");
    }
    return new InstanceStatus(pod, InstanceStatus.STANDBY, true, lag, "streaming");
  }

  /**
   * Inactive slots named for instances beyond {@code instances} (a scale-down removed their pods):
   * left alone, each would hold WAL on the primary until max_slot_wal_keep_size. A standby that
   * comes back makes its slot anew.
   */
  static List<String> obsoleteSlots(String cluster, int instances, ReplicationReport report) {
    String prefix = slotName(ChildNames.pod(cluster, 0));
    prefix = prefix.substring(0, prefix.length() - 1);
    List<String> obsolete = new ArrayList<>();
    for (ReplicationReport.Slot slot : report.slots()) {
      String suffix = slot.name().startsWith(prefix) ? slot.name().substring(prefix.length()) : "";
      if (!slot.active() && suffix.matches("[0-9]{1,3}") && Integer.parseInt(suffix) >= instances) {
        obsolete.add(slot.name());
      }
    }
    return obsolete;
  }

  /** The slot a pod's standby streams through, as the instance script names it. */
  static String slotName(String pod) {
    return pod.replace('-', '_').replace('.', '_');
  }
}
