package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresVersions;
import io.pgoperator.app.postgres.children.ClusterServices;
import io.pgoperator.app.postgres.children.DisruptionBudget;
import io.pgoperator.app.postgres.children.InitialisedState;
import io.pgoperator.app.postgres.children.PostgresConfig;
import io.pgoperator.app.postgres.children.PostgresStatefulSet;
import io.pgoperator.app.postgres.primary.PrimaryRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the children of a cluster should look like, from the builders plus what only the
 * controller knows: the major version the data was written with (an annotation on the
 * StatefulSet, read back by {@link SpecValidation}) and the StatefulSet's volume claim
 * templates, which the API server refuses to change once created (a larger storage.size
 * therefore does not touch the StatefulSet; the operator never touches PVCs itself).
 * The credentials Secret is not here: it is built only when it has to be created.
 */
record DesiredChildren(
    ConfigMap config,
    ConfigMap state,
    boolean initialised,
    Service headless,
    Service readWrite,
    Optional<Service> readOnly,
    StatefulSet statefulSet,
    Optional<PodDisruptionBudget> disruptionBudget) {

  /** The StatefulSet annotation holding the PostgreSQL major version its data is at. */
  static final String POSTGRES_VERSION_ANNOTATION = "postgres.example.com/postgres-version";
  /** The volume claim template of the data volume (PostgresStatefulSet's name for it). */
  static final String DATA_VOLUME = "data";

  /** @throws IllegalArgumentException when a builder refuses the spec (its message says why) */
  static DesiredChildren of(PostgresCluster cluster, Observed observed) {
    StatefulSet statefulSet = PostgresStatefulSet.build(cluster);
    ObjectMeta meta = statefulSet.getMetadata();
    Map<String, String> annotations = new LinkedHashMap<>(
        meta.getAnnotations() == null ? Map.of() : meta.getAnnotations());
    annotations.put(POSTGRES_VERSION_ANNOTATION,
        Integer.toString(PostgresVersions.majorOf(cluster.getSpec())));
    meta.setAnnotations(annotations);
    StatefulSet existing = observed.statefulSet();
    if (existing != null && existing.getSpec() != null
        && existing.getSpec().getVolumeClaimTemplates() != null) {
      statefulSet.getSpec().setVolumeClaimTemplates(existing.getSpec().getVolumeClaimTemplates());
    }
    if (existing != null && existing.getSpec() != null && existing.getSpec().getPodManagementPolicy() != null) {
      // Immutable too: a StatefulSet made by an earlier version keeps OrderedReady.
      statefulSet.getSpec().setPodManagementPolicy(existing.getSpec().getPodManagementPolicy());
    }
    return new DesiredChildren(
        PostgresConfig.build(cluster),
        state(cluster, PrimaryRecord.of(cluster), initialised(cluster, observed)),
        initialised(cluster, observed),
        ClusterServices.headless(cluster),
        ClusterServices.readWrite(cluster),
        ClusterServices.readOnly(cluster),
        statefulSet,
        DisruptionBudget.build(cluster));
  }

  /** The -state ConfigMap naming the record's target (the primary, or the one becoming it). */
  static ConfigMap state(PostgresCluster cluster, PrimaryRecord record, boolean initialised) {
    return InitialisedState.build(cluster, record.target(), record.epoch(), initialised);
  }

  /**
   * Whether the cluster's database exists: recorded before (status or the state ConfigMap), or
   * an instance is Ready now (only the recorded primary initialises; the others wait for it and
   * clone it, so a Ready instance means the database exists). Once true, it stays true.
   */
  static boolean initialised(PostgresCluster cluster, Observed observed) {
    return cluster.getStatus() != null && Boolean.TRUE.equals(cluster.getStatus().getInitialised())
        || InitialisedState.initialised(observed.state())
        || observed.statefulSet() != null && observed.statefulSet().getStatus() != null
            && observed.statefulSet().getStatus().getReadyReplicas() != null
            && observed.statefulSet().getStatus().getReadyReplicas() > 0;
  }

  /** The major version recorded on a StatefulSet, or null when absent or unreadable. */
  static Integer runningMajorVersion(StatefulSet statefulSet) {
    if (statefulSet == null || statefulSet.getMetadata() == null
        || statefulSet.getMetadata().getAnnotations() == null) {
      return null;
    }
    String value = statefulSet.getMetadata().getAnnotations().get(POSTGRES_VERSION_ANNOTATION);
    try {
      return value == null ? null : Integer.valueOf(value.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
