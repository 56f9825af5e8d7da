package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pgoperator.api.v1alpha1.Conditions;
import io.pgoperator.api.v1alpha1.Phase;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterStatus;
import io.pgoperator.app.postgres.children.ChildNames;
import io.pgoperator.app.postgres.primary.PrimaryRecord;
import io.pgoperator.app.postgres.primary.PrimaryRoles;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Computes a cluster's status from what the reconcile saw; pure. Conditions go through
 * {@link Conditions#set}, so a condition's lastTransitionTime moves only when its status flips
 * and an unchanged truth computes an equal status (which the reconciler then does not write).
 */
final class ClusterStatus {

  static final String REASON_INSTANCES_READY = "InstancesReady";
  static final String REASON_INSTANCES_NOT_READY = "InstancesNotReady";
  static final String REASON_RECONCILED = "Reconciled";
  static final String REASON_INVALID_SPEC = "InvalidSpec";
  static final String REASON_RECONCILE_ERROR = "ReconcileError";

  private ClusterStatus() {
  }

  /** Every child is in place; readiness follows the StatefulSet's status. */
  static PostgresClusterStatus reconciled(PostgresCluster cluster, StatefulSet statefulSet,
      boolean replicaService, boolean initialised, Instant now) {
    return reconciled(cluster, statefulSet, replicaService, initialised, Optional.empty(), now);
  }

  /** @param primaryRefusal why instance 0 refuses to start (PrimaryVolumeCheck), if it does */
  static PostgresClusterStatus reconciled(PostgresCluster cluster, StatefulSet statefulSet,
      boolean replicaService, boolean initialised, Optional<String> primaryRefusal, Instant now) {
    return reconciled(cluster, statefulSet, replicaService, initialised, primaryRefusal, Optional.empty(), now);
  }

  /** @param members what the primary said of the instances, when the operator asked it */
  static PostgresClusterStatus reconciled(PostgresCluster cluster, StatefulSet statefulSet,
      boolean replicaService, boolean initialised, Optional<String> primaryRefusal,
      Optional<Members.View> members, Instant now) {
    return reconciled(cluster, statefulSet, replicaService, initialised, primaryRefusal, members, Optional.empty(), now);
  }

  /** @param roles what the primary role's pass found (availability, a refused switchover) */
  static PostgresClusterStatus reconciled(PostgresCluster cluster, StatefulSet statefulSet,
      boolean replicaService, boolean initialised, Optional<String> primaryRefusal,
      Optional<Members.View> members, Optional<PrimaryRoles.Outcome> roles, Instant now) {
    PostgresClusterStatus status = base(cluster, statefulSet, replicaService, initialised);
    members.ifPresent(view -> {
      status.setMembers(view.members());
      status.setInSyncInstances(view.inSync());
      if (view.systemIdentifier() != null) {
        status.setSystemIdentifier(view.systemIdentifier());
      }
      if (view.timeline() != null) {
        status.setTimeline(view.timeline());
      }
    });
    List<Condition> conditions = primaryRefusal
        .map(why -> Conditions.set(previous(cluster), Conditions.READY, Conditions.FALSE,
            PrimaryVolumeCheck.REASON, why, generation(cluster), now))
        .orElseGet(() -> ready(cluster, status, now));
    conditions = Conditions.set(conditions, Conditions.RECONCILED, Conditions.TRUE,
        REASON_RECONCILED, "Secret, ConfigMap, Services, StatefulSet"
            + (replicaService ? " and PodDisruptionBudget" : "") + " match the spec",
        generation(cluster), now);
    if (roles.isPresent()) {
      PrimaryRoles.Availability availability = roles.get().availability();
      conditions = Conditions.set(conditions, Conditions.PRIMARY_AVAILABLE,
          availability.available() ? Conditions.TRUE : Conditions.FALSE, availability.reason(),
          availability.message(), generation(cluster), now);
      Optional<String> refusal = roles.get().switchoverRefusal();
      conditions = refusal.isPresent()
          ? Conditions.set(conditions, Conditions.SWITCHOVER, Conditions.FALSE, PrimaryRoles.REASON_SWITCHOVER_REFUSED,
              refusal.get(), generation(cluster), now)
          : withoutType(conditions, Conditions.SWITCHOVER);
    }
    status.setConditions(conditions);
    status.setPhase(phase(cluster, status));
    return status;
  }

  private static List<Condition> withoutType(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> !type.equals(c.getType())).toList();
  }

  /** The spec cannot be acted on; the children were left as they are. */
  static PostgresClusterStatus invalidSpec(PostgresCluster cluster, Observed observed,
      String message, Instant now) {
    PostgresClusterStatus status = base(cluster, observed.statefulSet(),
        observed.readOnly() != null, DesiredChildren.initialised(cluster, observed));
    long generation = generation(cluster);
    List<Condition> conditions = Conditions.set(previous(cluster), Conditions.READY,
        Conditions.FALSE, REASON_INVALID_SPEC, message, generation, now);
    conditions = Conditions.set(conditions, Conditions.RECONCILED, Conditions.FALSE,
        REASON_INVALID_SPEC, message, generation, now);
    status.setConditions(conditions);
    status.setPhase(Phase.FAILED);
    return status;
  }

  /** A reconcile failed on the way (it is retried); readiness still follows the StatefulSet. */
  static PostgresClusterStatus reconcileError(PostgresCluster cluster, Observed observed,
      String message, Instant now) {
    PostgresClusterStatus status = base(cluster, observed.statefulSet(),
        observed.readOnly() != null, DesiredChildren.initialised(cluster, observed));
    List<Condition> conditions = ready(cluster, status, now);
    conditions = Conditions.set(conditions, Conditions.RECONCILED, Conditions.FALSE,
        REASON_RECONCILE_ERROR, message, generation(cluster), now);
    status.setConditions(conditions);
    status.setPhase(observed.statefulSet() == null ? Phase.PENDING : phase(cluster, status));
    return status;
  }

  private static PostgresClusterStatus base(PostgresCluster cluster, StatefulSet statefulSet,
      boolean replicaService, boolean initialised) {
    String name = cluster.getMetadata().getName();
    PostgresClusterStatus status = new PostgresClusterStatus();
    status.setObservedGeneration(generation(cluster));
    status.setInstances(instances(statefulSet));
    status.setReadyInstances(readyInstances(statefulSet));
    status.setInSyncInstances(0);
    // Known once read from the primary; kept while it cannot be read.
    if (cluster.getStatus() != null) {
      status.setSystemIdentifier(cluster.getStatus().getSystemIdentifier());
      status.setTimeline(cluster.getStatus().getTimeline());
      status.setLastPrimaryChange(cluster.getStatus().getLastPrimaryChange());
    }
    // The record the primary role keeps (written by it first when it changes); ordinal 0 at epoch 1 at first.
    PrimaryRecord.of(cluster).writeTo(status);
    if (initialised) {
      status.setInitialised(true);
    }
    if (statefulSet != null) {
      status.setPrimaryService(ChildNames.readWriteService(name));
      status.setSecretName(ChildNames.credentialsSecret(name));
    }
    if (replicaService) {
      status.setReplicaService(ChildNames.readOnlyService(name));
    }
    return status;
  }

  private static List<Condition> ready(PostgresCluster cluster, PostgresClusterStatus status,
      Instant now) {
    int instances = status.getInstances();
    int ready = status.getReadyInstances();
    boolean allReady = instances > 0 && ready >= instances;
    String message = ready + " of " + instances + " instances ready";
    return Conditions.set(previous(cluster), Conditions.READY,
        allReady ? Conditions.TRUE : Conditions.FALSE,
        allReady ? REASON_INSTANCES_READY : REASON_INSTANCES_NOT_READY, message,
        generation(cluster), now);
  }

  /**
   * Running when all instances are ready; Degraded when this generation was running before and
   * no longer is; otherwise Provisioning (first start, scaling, a rollout).
   */
  private static String phase(PostgresCluster cluster, PostgresClusterStatus status) {
    if (Conditions.isTrue(status.getConditions(), Conditions.READY)) {
      return Phase.RUNNING;
    }
    PostgresClusterStatus before = cluster.getStatus();
    boolean sameGeneration = before != null
        && Long.valueOf(generation(cluster)).equals(before.getObservedGeneration());
    boolean wasRunning = before != null
        && (Phase.RUNNING.equals(before.getPhase()) || Phase.DEGRADED.equals(before.getPhase()));
    return sameGeneration && wasRunning ? Phase.DEGRADED : Phase.PROVISIONING;
  }

  private static List<Condition> previous(PostgresCluster cluster) {
    return cluster.getStatus() == null ? null : cluster.getStatus().getConditions();
  }

  private static int instances(StatefulSet statefulSet) {
    if (statefulSet == null || statefulSet.getSpec() == null
        || statefulSet.getSpec().getReplicas() == null) {
      return 0;
    }
    return statefulSet.getSpec().getReplicas();
  }

  private static int readyInstances(StatefulSet statefulSet) {
    if (statefulSet == null || statefulSet.getStatus() == null
        || statefulSet.getStatus().getReadyReplicas() == null) {
      return 0;
    }
    return statefulSet.getStatus().getReadyReplicas();
  }

  static long generation(PostgresCluster cluster) {
    Long generation = cluster.getMetadata().getGeneration();
    return generation == null ? 0L : generation;
  }
}
