package io.pgoperator.app.failover;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * Plays the kubelet for operator processes run as local JVMs, where no kubelet exists: one Pod
 * object per replica (named after its identity, one container {@value #CONTAINER}), its status
 * written as a kubelet writes it when the container starts, restarts and exits. The process is
 * given the environment a Deployment gives it (downward API), so its Lease names this Pod. Never
 * touches the operator: only the Pod objects an API server would hold.
 */
final class Kubelet {

  static final String CONTAINER = "operator";

  private final KubernetesClient admin;
  private final String namespace;
  private final Map<String, Pod> pods = new HashMap<>();

  Kubelet(KubernetesClient admin, String namespace) {
    this.admin = admin;
    this.namespace = namespace;
    if (admin.serviceAccounts().inNamespace(namespace).withName("default").get() == null) {
      // No controller-manager creates it here; Pod admission wants it.
      admin.serviceAccounts().inNamespace(namespace)
          .resource(new ServiceAccountBuilder().withNewMetadata().withName("default").endMetadata().build()).create();
    }
  }

  /**
   * The container of {@code identity}'s Pod starts: the first time the Pod is created and reported
   * running; later (a restart in the same Pod) the restart count goes up and the exit just reported
   * moves to {@code lastState}. Returns the environment of the container.
   */
  Map<String, String> containerStarting(String identity) {
    Pod pod = pods.get(identity);
    Instant now = now();
    if (pod == null) {
      pod = admin.pods().inNamespace(namespace).resource(new PodBuilder()
          .withNewMetadata().withName(identity).withLabels(Map.of("app.kubernetes.io/name", "pg-operator")).endMetadata()
          .withNewSpec().withNodeName("local-node").withAutomountServiceAccountToken(false)
          .addNewContainer().withName(CONTAINER).withImage("pg-operator:local").endContainer().endSpec()
          .build()).create();
    }
    ContainerStatus previous = containerStatus(pod);
    ContainerStateTerminated exited = previous == null || previous.getState() == null ? null
        : previous.getState().getTerminated();
    ContainerStatusBuilder status = new ContainerStatusBuilder().withName(CONTAINER).withImage("pg-operator:local")
        .withReady(false).withStarted(true)
        .withRestartCount(previous == null ? 0 : previous.getRestartCount() + (exited != null ? 1 : 0))
        .withNewState().withNewRunning(now.toString()).endState();
    if (exited != null) {
      status.withNewLastState().withTerminated(exited).endLastState();
    }
    report(new PodBuilder(pod).editOrNewStatus().withPhase("Running").withContainerStatuses(status.build()).endStatus()
        .build());
    Pod started = pods.get(identity);
    return Map.of("POD_NAME", identity, "POD_NAMESPACE", namespace, "POD_UID", started.getMetadata().getUid(),
        "CONTAINER_NAME", CONTAINER);
  }

  /** The container's process has exited (the caller waited for it): report it terminated. */
  void containerExited(String identity, int exitCode, String reason) {
    Pod pod = pods.get(identity);
    ContainerStatus running = containerStatus(pod);
    String startedAt = running.getState() != null && running.getState().getRunning() != null
        ? running.getState().getRunning().getStartedAt() : null;
    ContainerStatus terminated = new ContainerStatusBuilder(running).withReady(false).withStarted(false)
        .withNewState().withTerminated(new ContainerStateTerminatedBuilder().withExitCode(exitCode).withReason(reason)
            .withStartedAt(startedAt).withFinishedAt(now().toString()).build()).endState()
        .build();
    report(new PodBuilder(pod).editStatus().withContainerStatuses(terminated).endStatus().build());
  }

  private void report(Pod pod) {
    pods.put(pod.getMetadata().getName(), admin.pods().inNamespace(namespace).resource(pod).updateStatus());
  }

  private static ContainerStatus containerStatus(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? null
        : pod.getStatus().getContainerStatuses().stream().filter(s -> CONTAINER.equals(s.getName())).findFirst()
            .orElse(null);
  }

  /** The kubelet's timestamps are whole seconds. */
  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }
}
