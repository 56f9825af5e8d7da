package io.pgoperator.runtime.leader;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgoperator.runtime.kube.Informers;
import io.pgoperator.runtime.kube.LeaseWire;
import io.pgoperator.runtime.logging.RetryLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LeaseApi} over fabric8's asynchronous HTTP client: requests are sent with {@code
 * sendAsync} (never the blocking DSL, which deadlocks on an event loop) and their results handed
 * back on the calling context. Changes are watched with an informer limited to this one Lease
 * (field selector {@code metadata.name}); its handlers run on fabric8 threads and hop to the
 * elector's context. Needs RBAC verbs get, create, update, list and watch on leases.
 *
 * <p>Not thread-safe: call it from the elector's context only.
 */
final class KubeLeaseApi implements LeaseApi {

  private static final Logger LOG = LoggerFactory.getLogger(KubeLeaseApi.class);
  private static final String JSON = "application/json";

  private final KubernetesClient client;
  private final KubernetesClient requests;
  private final long requestTimeoutMillis;
  private final String namespace;
  private final String name;
  private final String collectionUrl;
  private final String itemUrl;
  // The whole object last seen, so an update keeps labels, annotations and spec fields that
  // are not ours (client-go does the same: it replaces the spec of the Lease it last read).
  private Lease lastSeen;
  private SharedIndexInformer<Lease> informer;
  private boolean closed;

  KubeLeaseApi(KubernetesClient client, KubernetesClient requests, String namespace, String name,
      java.time.Duration requestTimeout) {
    this.client = client;
    this.requests = requests;
    this.requestTimeoutMillis = requestTimeout.toMillis();
    this.namespace = namespace;
    this.name = name;
    String base = client.getMasterUrl().toString();
    base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.collectionUrl = base + "/apis/coordination.k8s.io/v1/namespaces/" + LeaseWire.encode(namespace) + "/leases";
    this.itemUrl = collectionUrl + "/" + LeaseWire.encode(name);
  }

  @Override
  public Future<LeaseRecord> get() {
    HttpRequest request = http().newHttpRequestBuilder().timeout(requestTimeoutMillis, TimeUnit.MILLISECONDS).uri(itemUrl).header("Accept", JSON).build();
    return send(request).map(response -> {
      if (response.code() == 404) {
        lastSeen = null;
        return null;
      }
      return accept("get", response);
    });
  }

  @Override
  public Future<LeaseRecord> create(LeaseRecord record) {
    Lease lease = new LeaseBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withSpec(new LeaseSpec())
        .build();
    apply(record, lease);
    HttpRequest request = http().newHttpRequestBuilder().timeout(requestTimeoutMillis, TimeUnit.MILLISECONDS).uri(collectionUrl).header("Accept", JSON)
        .post(JSON, Serialization.asJson(lease)).build();
    return send(request).map(response -> accept("create", response));
  }

  @Override
  public Future<LeaseRecord> update(LeaseRecord record) {
    Lease lease = lastSeen != null ? new LeaseBuilder(lastSeen).build() : new LeaseBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata().build();
    if (lease.getSpec() == null) {
      lease.setSpec(new LeaseSpec());
    }
    lease.getMetadata().setManagedFields(null);
    apply(record, lease);
    HttpRequest request = http().newHttpRequestBuilder().timeout(requestTimeoutMillis, TimeUnit.MILLISECONDS).uri(itemUrl).header("Accept", JSON)
        .put(JSON, Serialization.asJson(lease)).build();
    return send(request).map(response -> accept("update", response));
  }

  @Override
  public void watch(Consumer<LeaseRecord> onChange) {
    Context context = Vertx.currentContext();
    if (context == null) {
      throw new IllegalStateException("watch the lease " + namespace + "/" + name + " from the elector's context");
    }
    informer = client.resources(Lease.class).inNamespace(namespace).withField("metadata.name", name)
        .runnableInformer(0);
    informer.addEventHandler(new ResourceEventHandler<Lease>() {
      @Override
      public void onAdd(Lease lease) {
        deliver(lease);
      }

      @Override
      public void onUpdate(Lease old, Lease lease) {
        deliver(lease);
      }

      @Override
      public void onDelete(Lease lease, boolean finalStateUnknown) {
        deliver(null);
      }

      private void deliver(Lease lease) {
        context.runOnContext(v -> {
          if (!closed) {
            lastSeen = lease;
            onChange.accept(lease == null ? null : toRecord(lease));
          }
        });
      }
    });
    // Any error (API server down at start, a dropped watch, a 5xx) is retried with fabric8's
    // backoff, forever: fabric8's default gives up on some, and a watch that stopped silently
    // would turn takeover from milliseconds into the retry period. The elector polls every retry
    // period meanwhile, so leadership never depends on the watch.
    RetryLog failures = new RetryLog(LOG, "watch on lease " + namespace + "/" + name
        + " (polling every retry period meanwhile)");
    informer.exceptionHandler((started, error) -> {
      if (!closed) {
        failures.failed(error);
      }
      return !closed;
    });
    informer.start().whenComplete((ok, error) -> {
      if (error != null && !closed) {
        LOG.warn("watch on lease {}/{} did not start ({}); polling every retry period", namespace, name,
            error.toString());
      }
    });
  }

  @Override
  public Future<Void> close() {
    closed = true;
    SharedIndexInformer<Lease> running = informer;
    informer = null;
    return Informers.stop(running, "watch on lease " + namespace + "/" + name);
  }

  private HttpClient http() {
    return requests.getHttpClient();
  }

  private Future<HttpResponse<String>> send(HttpRequest request) {
    CompletableFuture<HttpResponse<String>> response = http().sendAsync(request, String.class);
    Context context = Vertx.currentContext();
    return context == null ? Future.fromCompletionStage(response) : Future.fromCompletionStage(response, context);
  }

  private LeaseRecord accept(String what, HttpResponse<String> response) {
    if (response.code() == 409) {
      throw new LeaseConflictException(what + " of lease " + namespace + "/" + name
          + " conflicted (409): it changed since it was read");
    }
    if (response.code() == 404 && what.equals("update")) {
      throw new LeaseConflictException("update of lease " + namespace + "/" + name + " found it deleted (404)");
    }
    if (!response.isSuccessful()) {
      String body = response.body() == null ? "" : response.body();
      throw new IllegalStateException(what + " of lease " + namespace + "/" + name + " failed with HTTP "
          + response.code() + ": " + (body.length() > 300 ? body.substring(0, 300) + "..." : body));
    }
    Lease lease = Serialization.unmarshal(response.body(), Lease.class);
    lastSeen = lease;
    return toRecord(lease);
  }

  static LeaseRecord toRecord(Lease lease) {
    LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
    java.util.Map<String, String> annotations = lease.getMetadata().getAnnotations();
    return new LeaseRecord(spec.getHolderIdentity(), spec.getLeaseDurationSeconds(), LeaseWire.instant(spec.getAcquireTime()),
        LeaseWire.instant(spec.getRenewTime()), spec.getLeaseTransitions(), lease.getMetadata().getResourceVersion(),
        annotations == null ? null : annotations.get(LeaseRecord.INSTANCE_ANNOTATION), holderPod(annotations));
  }

  private static HolderPod holderPod(java.util.Map<String, String> annotations) {
    return HolderPod.fromAnnotations(annotations);
  }

  private static void apply(LeaseRecord record, Lease lease) {
    lease.getMetadata().setResourceVersion(record.resourceVersion());
    java.util.Map<String, String> annotations = new java.util.LinkedHashMap<>(
        lease.getMetadata().getAnnotations() == null ? java.util.Map.of() : lease.getMetadata().getAnnotations());
    if (record.holderInstance() == null) {
      annotations.remove(LeaseRecord.INSTANCE_ANNOTATION);
    } else {
      annotations.put(LeaseRecord.INSTANCE_ANNOTATION, record.holderInstance());
    }
    HolderPod pod = record.holderPod();
    if (pod == null) {
      annotations.remove(LeaseRecord.POD_ANNOTATION);
      annotations.remove(LeaseRecord.POD_UID_ANNOTATION);
      annotations.remove(LeaseRecord.CONTAINER_ANNOTATION);
    } else {
      annotations.put(LeaseRecord.POD_ANNOTATION, pod.namespace() + "/" + pod.name());
      annotations.put(LeaseRecord.POD_UID_ANNOTATION, pod.uid());
      annotations.put(LeaseRecord.CONTAINER_ANNOTATION, pod.container());
    }
    lease.getMetadata().setAnnotations(annotations.isEmpty() ? null : annotations);
    LeaseSpec spec = lease.getSpec();
    spec.setHolderIdentity(record.holderIdentity());
    spec.setLeaseDurationSeconds(record.leaseDurationSeconds());
    spec.setAcquireTime(LeaseWire.microTime(record.acquireTime()));
    spec.setRenewTime(LeaseWire.microTime(record.renewTime()));
    spec.setLeaseTransitions(record.leaseTransitions());
  }
}
