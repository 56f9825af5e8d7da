package io.pgoperator.app.postgres.replication;

import java.util.List;
import java.util.Optional;

/**
 * What the primary says about replication, read in one go.
 *
 * @param systemIdentifier the database system identifier (pg_control_system); a standby cloned
 *     from another database has another one and cannot stream from this primary
 * @param timeline the timeline the primary writes
 * @param walPosition bytes of WAL the primary has flushed
 * @param standbys the primary's WAL senders, one per streaming standby (by application_name)
 * @param slots the physical replication slots
 */
public record ReplicationReport(String systemIdentifier, int timeline, long walPosition, List<Standby> standbys,
    List<Slot> slots) {

  /**
   * @param name the standby's application_name: its pod's name
   * @param state the WAL sender's state (streaming, catchup, startup, backup, stopping)
   * @param replayLagBytes how much of the primary's current WAL the standby has not replayed yet
   */
  public record Standby(String name, String state, long replayLagBytes) {
  }

  /**
   * @param walStatus reserved, extended, unreserved or lost (lost: past max_slot_wal_keep_size)
   */
  public record Slot(String name, boolean active, String walStatus) {
  }

  public Optional<Standby> standby(String name) {
    return standbys.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  public Optional<Slot> slot(String name) {
    return slots.stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
