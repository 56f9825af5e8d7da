package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Why an initialised cluster has no Ready instance, when instance 0 said so: its instance script
 * refuses to initialise over a volume that came back empty and leaves the reason as the postgres
 * container's termination message, which the cached pod keeps (CachedPod keeps container states).
 */
final class PrimaryVolumeCheck {

  static final String REASON = "PrimaryVolumeEmpty";
  /** What the instance script's refusal says (Scripts.INSTANCE, refuse_to_replace). */
  static final String REFUSAL = "Refusing to create a new, empty database";

  private PrimaryVolumeCheck() {
  }

  /** Whether to look at instance 0: the database exists, yet no instance is Ready. */
  static boolean worthAsking(boolean initialised, StatefulSet statefulSet) {
    return initialised && statefulSet != null && statefulSet.getStatus() != null
        && (statefulSet.getStatus().getReadyReplicas() == null || statefulSet.getStatus().getReadyReplicas() == 0);
  }

  /** The refusal instance 0's postgres container ended with, if it did. */
  static Optional<String> refusal(Pod pod) {
    if (pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(c -> "postgres".equals(c.getName()))
        .flatMap(PrimaryVolumeCheck::terminations)
        .map(state -> state.getTerminated().getMessage())
        .filter(message -> message != null && message.contains(REFUSAL))
        .map(String::strip)
        .findFirst();
  }

  private static Stream<ContainerState> terminations(ContainerStatus status) {
    return Stream.of(status.getState(), status.getLastState())
        .filter(state -> state != null && state.getTerminated() != null);
  }
}
