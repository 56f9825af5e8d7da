package io.pgoperator.runtime.leader;

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
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PodWatch} with an informer limited to the holder's Pod (field selector {@code
 * metadata.name}): one cached object, re-targeted when the holder changes. Its handlers run on
 * fabric8 threads and hop to the elector's context. Needs RBAC verbs get, list and watch on pods
 * in the holder's namespace; without them (403) it says so once and stops, and crash takeover
 * falls back to the Lease's expiry.
 *
 * <p>Not thread-safe: call it from the elector's context only.
 */
final class KubePodWatch implements PodWatch {

  private static final Logger LOG = LoggerFactory.getLogger(KubePodWatch.class);

  private final KubernetesClient client;
  private Context context;
  private Consumer<Pod> onChange = pod -> {};
  private HolderPod followed;
  private SharedIndexInformer<Pod> informer;
  private boolean forbidden;
  private boolean closed;

  KubePodWatch(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public void start(Consumer<Pod> onChange) {
    this.context = Vertx.currentContext();
    if (context == null) {
      throw new IllegalStateException("start the pod watch from the elector's context");
    }
    this.onChange = onChange;
  }

  @Override
  public void follow(HolderPod pod) {
    HolderPod target = pod;
    if (closed || forbidden || context == null || sameObject(followed, target)) {
      return;
    }
    stopInformer();
    followed = target;
    if (target == null) {
      return;
    }
    SharedIndexInformer<Pod> started = client.pods().inNamespace(target.namespace())
        .withField("metadata.name", target.name()).runnableInformer(0);
    informer = started;
    started.addEventHandler(new ResourceEventHandler<Pod>() {
      @Override
      public void onAdd(Pod object) {
        deliver(started, object);
      }

      @Override
      public void onUpdate(Pod oldObject, Pod newObject) {
        deliver(started, newObject);
      }

      @Override
      public void onDelete(Pod object, boolean deletedFinalStateUnknown) {
        deliver(started, null);
      }
    });
    RetryLog failures = new RetryLog(LOG, "watch on pod " + target.namespace() + "/" + target.name()
        + " (the Lease holder's)");
    started.exceptionHandler((watching, error) -> {
      if (RetryLog.unwrap(error) instanceof KubernetesClientException k && k.getCode() == 403) {
        context.runOnContext(v -> forbid(target, k));
        return false;
      }
      failures.failed(error);
      return true;
    });
    started.start();
  }

  private void deliver(SharedIndexInformer<Pod> from, Pod pod) {
    context.runOnContext(v -> {
      if (informer == from && !closed) {
        onChange.accept(pod);
      }
    });
  }

  private void forbid(HolderPod pod, Throwable error) {
    if (forbidden) {
      return;
    }
    forbidden = true;
    LOG.warn("cannot watch pod {}/{} ({}): a crashed leader is taken over only when its lease expires;"
        + " grant get, list and watch on pods in namespace {} to take over as soon as the kubelet reports it",
        pod.namespace(), pod.name(), error.getMessage(), pod.namespace());
    stopInformer();
  }

  /** Whether the API server refused to let this replica watch pods (see the class comment). */
  boolean forbidden() {
    return forbidden;
  }

  @Override
  public Future<Void> close() {
    closed = true;
    return stopInformer();
  }

  private Future<Void> stopInformer() {
    SharedIndexInformer<Pod> running = informer;
    informer = null;
    return Informers.stop(running, "watch on the lease holder's pod");
  }

  private static boolean sameObject(HolderPod a, HolderPod b) {
    return a == null ? b == null
        : b != null && a.namespace().equals(b.namespace()) && a.name().equals(b.name());
  }
}
