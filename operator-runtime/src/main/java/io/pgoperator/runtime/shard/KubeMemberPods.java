package io.pgoperator.runtime.shard;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pgoperator.runtime.kube.Informers;
import io.pgoperator.runtime.logging.RetryLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MemberPods} with one informer over the Pods of the ring's namespace (the operator's own:
 * its replicas, a handful of Pods). Needs get, list and watch on pods there, as the single
 * leader's holder-Pod watch does; without them (403) it says so once and stops, and crash takeover
 * falls back to the member Lease's expiry.
 */
final class KubeMemberPods implements MemberPods {

  private static final Logger LOG = LoggerFactory.getLogger(KubeMemberPods.class);

  private final KubernetesClient client;
  private final String namespace;
  private SharedIndexInformer<Pod> informer;
  private volatile boolean closed;

  KubeMemberPods(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  @Override
  public void start(Runnable onChange) {
    Context context = Vertx.currentContext();
    if (context == null) {
      throw new IllegalStateException("watch the members' pods from the ring's context");
    }
    SharedIndexInformer<Pod> started = client.pods().inNamespace(namespace).runnableInformer(0);
    informer = started;
    Runnable changed = () -> context.runOnContext(v -> {
      if (!closed) {
        onChange.run();
      }
    });
    started.addEventHandler(new ResourceEventHandler<Pod>() {
      @Override
      public void onAdd(Pod pod) {
        changed.run();
      }

      @Override
      public void onUpdate(Pod old, Pod pod) {
        changed.run();
      }

      @Override
      public void onDelete(Pod pod, boolean finalStateUnknown) {
        changed.run();
      }
    });
    RetryLog failures = new RetryLog(LOG, "watch on the pods of namespace " + namespace + " (the ring's members')");
    started.exceptionHandler((watching, error) -> {
      if (RetryLog.unwrap(error) instanceof KubernetesClientException k && k.getCode() == 403) {
        LOG.warn("not allowed to watch pods in {} ({}): a crashed member's slots are taken when its Lease"
            + " expires, not on the kubelet's report", namespace, k.getMessage());
        return false;
      }
      if (!closed) {
        failures.failed(error);
      }
      return !closed;
    });
    started.start();
  }

  @Override
  public Pod get(String podNamespace, String name) {
    SharedIndexInformer<Pod> running = informer;
    return running == null ? null : running.getStore().getByKey(podNamespace + "/" + name);
  }

  @Override
  public Future<Void> close() {
    closed = true;
    SharedIndexInformer<Pod> running = informer;
    informer = null;
    return Informers.stop(running, "watch on the pods of namespace " + namespace);
  }
}
