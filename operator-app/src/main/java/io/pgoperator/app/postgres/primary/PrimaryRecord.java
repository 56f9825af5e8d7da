package io.pgoperator.app.postgres.primary;

import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterStatus;
import io.pgoperator.app.postgres.children.ChildNames;

/**
 * Which instance is primary, as recorded in the cluster's status: the decision lives in the API
 * server, so an operator replica that takes over resumes a change another one started.
 *
 * @param current the instance holding the role (the -rw Service's, once labelled)
 * @param target the instance the role is moving to; equal to {@code current} when no change is
 *     under way
 * @param epoch incremented with every move; instances compare it to the one they know
 */
public record PrimaryRecord(String current, String target, long epoch) {

  /** The record of a cluster; one made before the primary was recorded has ordinal 0 at epoch 1. */
  public static PrimaryRecord of(PostgresCluster cluster) {
    PostgresClusterStatus status = cluster.getStatus();
    String initial = ChildNames.initialPrimary(cluster.getMetadata().getName());
    String current = status == null || status.getCurrentPrimary() == null ? initial : status.getCurrentPrimary();
    String target = status == null || status.getTargetPrimary() == null ? current : status.getTargetPrimary();
    long epoch = status == null || status.getPrimaryEpoch() == null ? 1 : status.getPrimaryEpoch();
    return new PrimaryRecord(current, target, epoch);
  }

  /** A failover or switchover to {@code to} is under way. */
  public boolean changing() {
    return !current.equals(target);
  }

  /** The decision to move the role to {@code to}: a new epoch, recorded before anything is done. */
  public PrimaryRecord moveTo(String to) {
    return new PrimaryRecord(current, to, epoch + 1);
  }

  /** The change is done: the target accepts writes and is labelled. */
  public PrimaryRecord completed() {
    return new PrimaryRecord(target, target, epoch);
  }

  /** Writes the record into a status (copied by the caller). */
  public void writeTo(PostgresClusterStatus status) {
    status.setCurrentPrimary(current);
    status.setTargetPrimary(target);
    status.setPrimaryEpoch(epoch);
  }
}
