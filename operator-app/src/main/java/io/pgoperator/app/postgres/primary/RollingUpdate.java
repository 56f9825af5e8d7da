package io.pgoperator.app.postgres.primary;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pgoperator.app.postgres.children.ChildMeta;
import io.pgoperator.app.postgres.children.ChildNames;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The next step of moving a cluster's instances onto its StatefulSet's update revision (pure).
 * The StatefulSet's update strategy is OnDelete: the StatefulSet controller recreates a deleted
 * pod from the current template, and the operator chooses which pod goes when. Standbys first,
 * the highest ordinal first, one at a time and only while every instance is Ready; the primary
 * last, by a switchover to an updated standby, so a new minor version or a restart-only setting
 * costs writes one short switchover instead of a restart of the primary. A single instance can
 * only be restarted.
 */
public final class RollingUpdate {

  /** The label the StatefulSet controller gives each pod: the revision it was made from. */
  public static final String REVISION_LABEL = "controller-revision-hash";

  private RollingUpdate() {
  }

  /** What to do next. */
  public sealed interface Step permits RestartStandby, SwitchOver, RestartPrimary {
  }

  /** Delete this standby's pod: it comes back on the new revision. */
  public record RestartStandby(Pod pod, String revision) implements Step {
  }

  /** Every standby is updated: hand the primary role to this one; the old primary's pod then goes. */
  public record SwitchOver(String target, String revision) implements Step {
  }

  /** A single instance on an old revision: restarting it is the only way. */
  public record RestartPrimary(Pod pod, String revision) implements Step {
  }

  /**
   * Nothing while the StatefulSet's status does not describe its current spec, while any
   * instance is missing, on its way out or not Ready, or when every instance is on the update
   * revision.
   */
  public static Optional<Step> next(StatefulSet statefulSet, InstancePods pods, PrimaryRecord record) {
    if (statefulSet == null || statefulSet.getStatus() == null || statefulSet.getSpec().getReplicas() == null) {
      return Optional.empty();
    }
    String revision = statefulSet.getStatus().getUpdateRevision();
    Long observed = statefulSet.getStatus().getObservedGeneration();
    if (revision == null || observed == null || !observed.equals(statefulSet.getMetadata().getGeneration())) {
      return Optional.empty();
    }
    String cluster = statefulSet.getMetadata().getName();
    int instances = statefulSet.getSpec().getReplicas();
    for (int ordinal = 0; ordinal < instances; ordinal++) {
      if (!pods.serving(ChildNames.pod(cluster, ordinal))) {
        return Optional.empty();
      }
    }
    List<Pod> outdated = pods.all().stream()
        .filter(pod -> ChildNames.ordinal(cluster, pod.getMetadata().getName()) < instances)
        .filter(pod -> !revision.equals(label(pod, REVISION_LABEL)))
        .toList();
    Optional<Pod> standby = outdated.stream()
        .filter(pod -> !pod.getMetadata().getName().equals(record.current()))
        .max(Comparator.comparingInt(pod -> ChildNames.ordinal(cluster, pod.getMetadata().getName())));
    if (standby.isPresent()) {
      return Optional.of(new RestartStandby(standby.get(), revision));
    }
    Optional<Pod> primary = outdated.stream().filter(pod -> pod.getMetadata().getName().equals(record.current())).findFirst();
    if (primary.isEmpty()) {
      return Optional.empty();
    }
    if (instances == 1) {
      return Optional.of(new RestartPrimary(primary.get(), revision));
    }
    return pods.all().stream()
        .filter(pod -> !pod.getMetadata().getName().equals(record.current()))
        .filter(pod -> ChildNames.ordinal(cluster, pod.getMetadata().getName()) < instances)
        .filter(pod -> ChildMeta.ROLE_REPLICA.equals(InstancePods.role(pod)))
        .min(Comparator.comparingInt(pod -> ChildNames.ordinal(cluster, pod.getMetadata().getName())))
        .map(pod -> (Step) new SwitchOver(pod.getMetadata().getName(), revision));
  }

  private static String label(Pod pod, String key) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }
}
