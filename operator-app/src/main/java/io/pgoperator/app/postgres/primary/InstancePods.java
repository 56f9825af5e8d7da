package io.pgoperator.app.postgres.primary;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.pgoperator.app.postgres.children.ChildMeta;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A cluster's instance pods as the informer cache holds them, by pod name (pure). */
public final class InstancePods {

  private final Map<String, Pod> pods = new LinkedHashMap<>();

  public InstancePods(Collection<Pod> pods) {
    pods.forEach(pod -> this.pods.put(pod.getMetadata().getName(), pod));
  }

  public Optional<Pod> get(String name) {
    return Optional.ofNullable(pods.get(name));
  }

  public Collection<Pod> all() {
    return pods.values();
  }

  /** Serving: Ready, and not on its way out. */
  public boolean serving(String name) {
    return get(name).filter(pod -> !deleting(pod) && ready(pod)).isPresent();
  }

  public static boolean deleting(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  public static boolean ready(Pod pod) {
    return readyCondition(pod).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /** A container of the pod runs (as its kubelet last reported). */
  public static boolean running(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null
        && pod.getStatus().getContainerStatuses().stream().anyMatch(c -> c.getState() != null && c.getState().getRunning() != null);
  }

  /** The pod's role label, or null. */
  public static String role(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels == null ? null : labels.get(ChildMeta.ROLE_LABEL);
  }

  /**
   * Since when the pod has not been Ready, as its kubelet reported it (the Ready condition's last
   * transition); empty when it is Ready, or when the pod does not say (then the caller counts from
   * when it first saw it so).
   */
  public static Optional<Instant> notReadySince(Pod pod) {
    return readyCondition(pod)
        .filter(c -> !"True".equals(c.getStatus()))
        .map(PodCondition::getLastTransitionTime)
        .flatMap(InstancePods::parse);
  }

  private static Optional<PodCondition> readyCondition(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
  }

  private static Optional<Instant> parse(String time) {
    try {
      return time == null ? Optional.empty() : Optional.of(Instant.parse(time));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
