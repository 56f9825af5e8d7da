package io.pgoperator.runtime.leader;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Whether the kubelet has reported the Lease holder's process gone, so that a standby may take
 * the Lease at once instead of waiting for it to expire. A dead process sends nothing more, so
 * waiting is pure downtime; but a process that is only slow, paused or cut off must still be
 * waited for, so anything short of the kubelet's word is no verdict and the expiry rule applies.
 *
 * <p>The verdict is yes only when all of these hold, each checked against the record's {@link
 * HolderPod} (written by the holder itself, never inferred):
 * <ul>
 *   <li>The Pod exists with the holder's uid. A Pod that is gone proves nothing (a force deletion
 *       removes the object while the process may still run on its node), and a Pod with the same
 *       name but another uid is another Pod.
 *   <li>Either the holder's container has a termination that finished at or after the record's
 *       {@code acquireTime} ({@code state.terminated}: it stopped; {@code lastState.terminated}:
 *       it stopped and was restarted), or the Pod is {@code Failed}/{@code Succeeded} (evicted,
 *       or done) and that container is not running. The holder is the container's main process,
 *       so a stopped container means a stopped holder.
 *   <li>The holder did not renew after that termination ({@code renewTime} at most a second, the
 *       precision of the kubelet's timestamps, past {@code finishedAt}): a renewal after it would
 *       contradict the report, and a contradiction is no verdict.
 * </ul>
 * Why a termination at or after {@code acquireTime} is the holder's own: {@code acquireTime} is
 * stamped by the holder, when it acquired, so the holder's process started before it. An earlier
 * process in the same container (before a restart) ended before the holder started, so before
 * {@code acquireTime}. Both stamps come from the clock of the node the holder runs on (the holder
 * reads it; the kubelet's container runtime reads it), so no clock skew between nodes enters; the
 * kubelet's {@code finishedAt} is truncated to whole seconds, which only makes it earlier, so a
 * death within the second of the acquisition is missed (and the Lease expires), never invented.
 * A process that acquires again under the same identity (a restart with a fixed
 * {@code --identity}) writes a fresh {@code acquireTime}: see {@link LeaseElection}.
 */
public final class HolderDeath {

  private HolderDeath() {}

  /** Why the holder of {@code record} is known dead from {@code pod}, or empty when it is not known. */
  static Optional<String> of(LeaseRecord record, Pod pod) {
    return record == null ? Optional.empty() : of(record.holderPod(), record.acquireTime(), record.renewTime(), pod);
  }

  /**
   * The same verdict for any Lease a process holds and renews (a sharded ring's member Lease):
   * {@code holder} as the process wrote it, {@code acquireTime} when it took the Lease, {@code
   * renewTime} its last renewal.
   */
  public static Optional<String> of(HolderPod holder, Instant acquireTime, Instant renewTime, Pod pod) {
    if (holder == null || acquireTime == null || pod == null || pod.getMetadata() == null
        || pod.getStatus() == null || !holder.uid().equals(pod.getMetadata().getUid())
        || !holder.name().equals(pod.getMetadata().getName())) {
      return Optional.empty();
    }
    ContainerStatus container = pod.getStatus().getContainerStatuses() == null ? null
        : pod.getStatus().getContainerStatuses().stream()
            .filter(status -> holder.container().equals(status.getName())).findFirst().orElse(null);
    if (container == null) {
      return Optional.empty();
    }
    String podName = "pod " + holder.namespace() + "/" + holder.name();
    Optional<String> stopped = terminatedSince(acquireTime, renewTime, container.getState() == null ? null
        : container.getState().getTerminated(), "container " + holder.container() + " of " + podName + " terminated");
    if (stopped.isPresent()) {
      return stopped;
    }
    Optional<String> restarted = terminatedSince(acquireTime, renewTime, container.getLastState() == null ? null
        : container.getLastState().getTerminated(), "container " + holder.container() + " of " + podName
            + " terminated and was restarted");
    if (restarted.isPresent()) {
      return restarted;
    }
    String phase = pod.getStatus().getPhase();
    boolean running = container.getState() != null && container.getState().getRunning() != null;
    if (("Failed".equals(phase) || "Succeeded".equals(phase)) && !running) {
      String reason = pod.getStatus().getReason();
      return Optional.of(podName + " is " + phase + (reason == null ? "" : " (" + reason + ")"));
    }
    return Optional.empty();
  }

  private static Optional<String> terminatedSince(Instant acquireTime, Instant renewTime,
      ContainerStateTerminated terminated, String what) {
    if (terminated == null) {
      return Optional.empty();
    }
    Instant finished = parse(terminated.getFinishedAt());
    if (finished == null || finished.isBefore(acquireTime)) {
      return Optional.empty();
    }
    if (renewTime != null && renewTime.isAfter(finished.plus(Duration.ofSeconds(1)))) {
      return Optional.empty();
    }
    return Optional.of(what + " at " + terminated.getFinishedAt() + " (exit code " + terminated.getExitCode()
        + (terminated.getReason() == null ? "" : ", " + terminated.getReason()) + ")");
  }

  private static Instant parse(String time) {
    if (time == null || time.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(time).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
