package io.pgoperator.app.postgres.primary;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.pgoperator.runtime.source.CacheTransform;

/**
 * What the cache keeps of an instance pod: the fields the operator reads, nothing else. A pod
 * carries its whole spec (the StatefulSet's template, defaulted) and the kubelet's report of
 * every container, several times what is read. Kept: identity (namespace, name, uid,
 * resourceVersion; what a role label's patch tests and a delete's precondition names), labels
 * (cluster, role, revision), the deletion mark, the conditions' type, status and transition time
 * ({@link InstancePods}), and each container's name and states, whose termination messages
 * carry the instance script's refusals. Cached pods are never the base of an update: the
 * operator only patches their role label and deletes them.
 */
public final class CachedPod {

  public static final CacheTransform<Pod> FIELDS = CachedPod::of;

  private CachedPod() {
  }

  static Pod of(Pod pod) {
    Pod kept = new Pod();
    kept.setApiVersion(pod.getApiVersion());
    kept.setKind(pod.getKind());
    kept.setMetadata(metadata(pod.getMetadata()));
    PodStatus status = pod.getStatus();
    if (status != null) {
      PodStatus keptStatus = new PodStatus();
      keptStatus.setConditions(status.getConditions() == null ? null
          : status.getConditions().stream().map(CachedPod::condition).toList());
      keptStatus.setContainerStatuses(status.getContainerStatuses() == null ? null
          : status.getContainerStatuses().stream().map(CachedPod::container).toList());
      kept.setStatus(keptStatus);
    }
    return kept;
  }

  private static ObjectMeta metadata(ObjectMeta meta) {
    return meta == null ? null : new ObjectMetaBuilder()
        .withNamespace(meta.getNamespace())
        .withName(meta.getName())
        .withUid(meta.getUid())
        .withResourceVersion(meta.getResourceVersion())
        .withLabels(meta.getLabels())
        .withDeletionTimestamp(meta.getDeletionTimestamp())
        .build();
  }

  private static PodCondition condition(PodCondition condition) {
    return new PodConditionBuilder()
        .withType(condition.getType())
        .withStatus(condition.getStatus())
        .withLastTransitionTime(condition.getLastTransitionTime())
        .build();
  }

  private static ContainerStatus container(ContainerStatus container) {
    return new ContainerStatusBuilder()
        .withName(container.getName())
        .withState(container.getState())
        .withLastState(container.getLastState())
        .build();
  }
}
