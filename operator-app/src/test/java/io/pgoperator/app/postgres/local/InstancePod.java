package io.pgoperator.app.postgres.local;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kubelet's work for one Pod object (one uid) of an {@link InstanceKubelet}, on its own daemon
 * thread: starts the container, reports the status, probes readiness, refreshes volumes, restarts
 * the container when it exits, and on graceful deletion stops it and confirms the deletion.
 */
final class InstancePod {

  private static final String CONTAINER = "postgres";

  private final InstanceKubelet kubelet;
  private final LocalPods pods;
  private final int ordinal;
  private final String name;
  private final String uid;
  private final Thread thread;
  private volatile Pod pod;
  private volatile boolean gone;
  private volatile boolean finished;
  private boolean signalled;

  // Only the worker thread touches these.
  private Process process;
  private boolean everStarted;
  private boolean down;
  private int restartCount;
  private ContainerState state = new ContainerStateBuilder().withNewWaiting().withReason("ContainerCreating")
      .endWaiting().build();
  private ContainerState lastState;
  private String startedAt;
  private boolean containerReady;
  private int passes;
  private int failures;
  private Instant restartAt = Instant.MIN;
  private Instant nextProbe = Instant.MAX;
  private Instant nextRefresh = Instant.MAX;
  private final String startTime = now();
  private final Map<String, String> conditionStatus = new HashMap<>();
  private final Map<String, String> conditionSince = new HashMap<>();
  private String lastReported;

  InstancePod(InstanceKubelet kubelet, LocalPods pods, int ordinal, Pod pod) {
    this.kubelet = kubelet;
    this.pods = pods;
    this.ordinal = ordinal;
    this.pod = pod;
    this.name = pod.getMetadata().getName();
    this.uid = pod.getMetadata().getUid();
    this.thread = new Thread(this::run, "kubelet-" + name + "-" + uid.substring(0, Math.min(8, uid.length())));
    thread.setDaemon(true);
  }

  int ordinal() {
    return ordinal;
  }

  String uid() {
    return uid;
  }

  boolean finished() {
    return finished;
  }

  void start() {
    thread.start();
  }

  void join(Duration deadline) {
    try {
      thread.join(deadline.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The Pod as the watch shows it now. */
  void observe(Pod current) {
    Pod before = pod;
    pod = current;
    if (current.getMetadata().getDeletionTimestamp() != null && before.getMetadata().getDeletionTimestamp() == null) {
      signal();
    }
  }

  /** The Pod is no longer in the API server (force-deleted): stop its container and end. */
  void gone() {
    if (!gone) {
      gone = true;
      signal();
    }
  }

  synchronized void signal() {
    signalled = true;
    notifyAll();
  }

  private void run() {
    try {
      report();
      while (!kubelet.closed()) {
        if (gone) {
          stopContainer();
          return;
        }
        if (kubelet.held(ordinal)) {
          nodeDown();
          pause(kubelet.options().probePeriod());
          continue;
        }
        if (down) {
          // The node is back: its kubelet finds the container dead.
          down = false;
          if (state.getRunning() != null) {
            terminated(137, "Error");
          }
          restartAt = Instant.now().plus(kubelet.options().restartBackoff());
          report();
        }
        if (pod.getMetadata().getDeletionTimestamp() != null) {
          stopContainer();
          report();
          kubelet.client().pods().inNamespace(pod.getMetadata().getNamespace()).withName(name).withGracePeriod(0)
              .delete();
          return;
        }
        if (process != null && !process.isAlive()) {
          int code = process.exitValue();
          process = null;
          terminated(code, code == 0 ? "Completed" : "Error");
          restartAt = Instant.now().plus(kubelet.options().restartBackoff());
          report();
        }
        Instant now = Instant.now();
        if (process == null && !now.isBefore(restartAt)) {
          startContainer();
        }
        if (process != null && !Instant.now().isBefore(nextProbe)) {
          probe();
        }
        if (process != null && !Instant.now().isBefore(nextRefresh)) {
          pods.sync(kubelet.client());
          pods.refreshVolumes(ordinal);
          nextRefresh = Instant.now().plus(kubelet.options().volumeRefresh());
        }
        pause(untilNext());
      }
    } catch (RuntimeException | Error e) {
      if (!kubelet.closed()) {
        kubelet.fail("the kubelet of " + name, e);
      }
    } finally {
      finished = true;
    }
  }

  private Duration untilNext() {
    Instant next = process == null ? restartAt : (nextProbe.isBefore(nextRefresh) ? nextProbe : nextRefresh);
    Duration wait = Duration.between(Instant.now(), next);
    Duration cap = Duration.ofMillis(200);
    return wait.isNegative() ? Duration.ZERO : (wait.compareTo(cap) > 0 ? cap : wait);
  }

  private synchronized void pause(Duration duration) {
    if (!signalled && !duration.isZero()) {
      try {
        wait(Math.max(1, duration.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    signalled = false;
  }

  private void startContainer() {
    try {
      pods.sync(kubelet.client());
      process = pods.start(ordinal, pod.getSpec());
    } catch (IllegalStateException e) {
      // What a kubelet reports when a referenced ConfigMap or Secret is missing: it tries again.
      process = null;
      state = new ContainerStateBuilder().withNewWaiting().withReason("CreateContainerConfigError")
          .withMessage(e.getMessage()).endWaiting().build();
      restartAt = Instant.now().plus(kubelet.options().restartBackoff());
      report();
      return;
    }
    if (everStarted) {
      restartCount++;
    }
    everStarted = true;
    startedAt = now();
    state = new ContainerStateBuilder().withNewRunning().withStartedAt(startedAt).endRunning().build();
    containerReady = false;
    passes = 0;
    failures = 0;
    nextProbe = Instant.now();
    nextRefresh = Instant.now().plus(kubelet.options().volumeRefresh());
    process.onExit().thenRun(this::signal);
    report();
  }

  private void terminated(int exitCode, String reason) {
    ContainerState exited = new ContainerStateBuilder().withNewTerminated().withExitCode(exitCode).withReason(reason)
        .withStartedAt(startedAt).withFinishedAt(now()).endTerminated().build();
    state = exited;
    lastState = exited;
    containerReady = false;
    nextProbe = Instant.MAX;
    nextRefresh = Instant.MAX;
  }

  private void stopContainer() {
    if (process != null) {
      Process stopping = process;
      process = null;
      pods.stop(ordinal); // the preStop hook's fast shutdown
      int code = stopping.isAlive() ? 137 : stopping.exitValue();
      terminated(code, code == 0 ? "Completed" : "Error");
    }
  }

  /** The node is down: the processes die with it, the node controller marks the pod not Ready. */
  private void nodeDown() {
    if (process != null) {
      pods.kill(ordinal);
      process = null;
    }
    down = true;
    setCondition("Ready", false);
    patch(statusWith(containerStatusesAsReported(), "NodeNotReady"));
  }

  private void probe() {
    Probe readiness = pod.getSpec().getContainers().get(0).getReadinessProbe();
    int failureThreshold = readiness != null && readiness.getFailureThreshold() != null
        ? readiness.getFailureThreshold() : 3;
    int successThreshold = readiness != null && readiness.getSuccessThreshold() != null
        ? readiness.getSuccessThreshold() : 1;
    boolean passed = pods.readiness(ordinal).passed();
    nextProbe = Instant.now().plus(kubelet.options().probePeriod());
    if (process == null || !process.isAlive()) {
      return; // the exit is reported next
    }
    if (passed) {
      failures = 0;
      passes++;
      if (!containerReady && passes >= successThreshold) {
        containerReady = true;
        report();
      }
    } else {
      passes = 0;
      failures++;
      if (containerReady && failures >= failureThreshold) {
        containerReady = false;
        report();
      }
    }
  }

  private void report() {
    setCondition("ContainersReady", containerReady);
    setCondition("Ready", containerReady);
    PodStatus status = statusWith(List.of(new ContainerStatusBuilder().withName(CONTAINER)
        .withImage(pod.getSpec().getContainers().get(0).getImage()).withImageID("")
        .withContainerID(process != null ? "local://" + process.pid() : null)
        .withReady(containerReady).withStarted(process != null).withRestartCount(restartCount)
        .withState(state).withLastState(lastState).build()), null);
    patch(status);
  }

  /** The container statuses last written (the node controller leaves them). */
  private List<io.fabric8.kubernetes.api.model.ContainerStatus> containerStatusesAsReported() {
    Pod current = pod;
    return current.getStatus() == null || current.getStatus().getContainerStatuses() == null ? List.of()
        : current.getStatus().getContainerStatuses();
  }

  private PodStatus statusWith(List<io.fabric8.kubernetes.api.model.ContainerStatus> containers, String readyReason) {
    List<PodCondition> conditions = new ArrayList<>();
    for (String type : List.of("PodScheduled", "Initialized", "ContainersReady", "Ready")) {
      if (!conditionStatus.containsKey(type)) {
        setCondition(type, true);
      }
      PodConditionBuilder condition = new PodConditionBuilder().withType(type).withStatus(conditionStatus.get(type))
          .withLastTransitionTime(conditionSince.get(type)).withLastProbeTime(null);
      if ("Ready".equals(type) && readyReason != null) {
        condition.withReason(readyReason).withMessage("Node " + InstanceKubelet.NODE_NAME + " is not ready");
      } else if ("False".equals(conditionStatus.get(type))) {
        condition.withReason("ContainersNotReady").withMessage("containers with unready status: [" + CONTAINER + "]");
      }
      conditions.add(condition.build());
    }
    return new PodStatusBuilder().withPhase(everStarted ? "Running" : "Pending")
        .withHostIP(InstanceKubelet.POD_IP).withPodIP(InstanceKubelet.POD_IP)
        .withPodIPs(new PodIPBuilder().withIp(InstanceKubelet.POD_IP).build())
        .withHostIPs(new io.fabric8.kubernetes.api.model.HostIPBuilder().withIp(InstanceKubelet.POD_IP).build())
        .withStartTime(startTime).withConditions(conditions).withContainerStatuses(containers).build();
  }

  private void setCondition(String type, boolean value) {
    String status = value ? "True" : "False";
    if (!status.equals(conditionStatus.get(type))) {
      conditionStatus.put(type, status);
      conditionSince.put(type, now());
    }
  }

  /** A merge patch of the status, for this uid only: a recreated pod of the same name refuses it. */
  private void patch(PodStatus status) {
    String json = kubelet.client().getKubernetesSerialization().asJson(
        Map.of("metadata", Map.of("uid", uid), "status", status));
    if (json.equals(lastReported)) {
      return;
    }
    try {
      kubelet.client().pods().inNamespace(pod.getMetadata().getNamespace()).withName(name).subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), json);
      lastReported = json;
    } catch (KubernetesClientException e) {
      Pod now = e.getCode() == 404 || e.getCode() == 409 || e.getCode() == 422
          ? kubelet.client().pods().inNamespace(pod.getMetadata().getNamespace()).withName(name).get() : null;
      if (now != null && uid.equals(now.getMetadata().getUid())) {
        throw e;
      }
      // This Pod is gone or replaced: the watch tells the controller loop, which ends this worker.
    }
  }

  /** The kubelet's timestamps are whole seconds. */
  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
