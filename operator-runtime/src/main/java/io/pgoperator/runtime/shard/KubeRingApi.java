package io.pgoperator.runtime.shard;

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
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RingApi} over fabric8's asynchronous HTTP client (never the blocking DSL on an event
 * loop), with one informer over the Leases of the ring's namespace: the ring's own (by label) and
 * the single-leader Lease (by name). Needs get, list, watch, create, update and delete on leases
 * in that namespace.
 */
final class KubeRingApi implements RingApi {

  private static final Logger LOG = LoggerFactory.getLogger(KubeRingApi.class);
  private static final String JSON = "application/json";

  private final KubernetesClient watches;
  private final KubernetesClient requests;
  private final String namespace;
  private final String ring;
  private final long timeoutMillis;
  private final String collectionUrl;
  private SharedIndexInformer<Lease> informer;
  private volatile boolean closed;

  KubeRingApi(KubernetesClient watches, KubernetesClient requests, String namespace, String ring, Duration timeout) {
    this.watches = watches;
    this.requests = requests;
    this.namespace = namespace;
    this.ring = ring;
    this.timeoutMillis = timeout.toMillis();
    String base = watches.getMasterUrl().toString();
    base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.collectionUrl = base + "/apis/coordination.k8s.io/v1/namespaces/" + LeaseWire.encode(namespace) + "/leases";
  }

  @Override
  public void watch(Consumer<RingLease> changed, Consumer<String> deleted, Runnable synced) {
    Context context = Vertx.currentContext();
    if (context == null) {
      throw new IllegalStateException("watch the ring's leases from the ring's context");
    }
    informer = watches.resources(Lease.class).inNamespace(namespace).runnableInformer(0);
    informer.addEventHandler(new ResourceEventHandler<Lease>() {
      @Override
      public void onAdd(Lease lease) {
        onUpdate(null, lease);
      }

      @Override
      public void onUpdate(Lease old, Lease lease) {
        if (ours(lease)) {
          RingLease record = toRecord(lease);
          context.runOnContext(v -> {
            if (!closed) {
              changed.accept(record);
            }
          });
        }
      }

      @Override
      public void onDelete(Lease lease, boolean finalStateUnknown) {
        if (ours(lease)) {
          String name = lease.getMetadata().getName();
          context.runOnContext(v -> {
            if (!closed) {
              deleted.accept(name);
            }
          });
        }
      }
    });
    RetryLog failures = new RetryLog(LOG, "watch on the leases of ring " + namespace + "/" + ring);
    informer.exceptionHandler((started, error) -> {
      if (!closed) {
        failures.failed(error);
      }
      return !closed;
    });
    informer.start().whenComplete((ok, error) -> {
      if (error != null && !closed) {
        LOG.warn("watch on the leases of ring {}/{} did not start: {}", namespace, ring, error.toString());
      }
    });
    pollSynced(context, changed, synced);
  }

  /**
   * Once the first listing is stored, hands the ring that listing (its add events may still be on
   * their way: fabric8 delivers them on its own threads) and then says synced.
   */
  private void pollSynced(Context context, Consumer<RingLease> changed, Runnable synced) {
    SharedIndexInformer<Lease> running = informer;
    if (closed || running == null) {
      return;
    }
    if (running.hasSynced()) {
      java.util.List<RingLease> listing = running.getStore().list().stream().filter(this::ours)
          .map(KubeRingApi::toRecord).toList();
      context.runOnContext(v -> {
        if (!closed) {
          listing.forEach(changed);
          synced.run();
        }
      });
    } else {
      context.owner().setTimer(20, id -> pollSynced(context, changed, synced));
    }
  }

  private boolean ours(Lease lease) {
    Map<String, String> labels = lease.getMetadata().getLabels();
    return ring.equals(lease.getMetadata().getName())
        || (labels != null && ring.equals(labels.get(RingLease.RING_LABEL)));
  }

  @Override
  public Future<RingLease> get(String name) {
    HttpRequest request = builder(itemUrl(name)).build();
    return send(request).map(response -> response.code() == 404 ? null : accept("get", name, response));
  }

  @Override
  public Future<java.util.List<RingLease>> list() {
    String selector = LeaseWire.encode(RingLease.RING_LABEL + "=" + ring);
    HttpRequest request = builder(collectionUrl + "?labelSelector=" + selector).build();
    return send(request).map(response -> {
      if (!response.isSuccessful()) {
        throw new IllegalStateException("list of the leases of ring " + namespace + "/" + ring + " failed with HTTP "
            + response.code());
      }
      return Serialization.unmarshal(response.body(), io.fabric8.kubernetes.api.model.coordination.v1.LeaseList.class)
          .getItems().stream().map(KubeRingApi::toRecord).toList();
    });
  }

  @Override
  public Future<RingLease> create(RingLease record) {
    Lease lease = new LeaseBuilder().withNewMetadata().withName(record.name()).withNamespace(namespace)
        .endMetadata().withSpec(new LeaseSpec()).build();
    apply(record, lease);
    lease.getMetadata().setResourceVersion(null);
    HttpRequest request = builder(collectionUrl).post(JSON, Serialization.asJson(lease)).build();
    return send(request).map(response -> accept("create", record.name(), response));
  }

  @Override
  public Future<RingLease> update(RingLease record) {
    Lease lease = new LeaseBuilder().withNewMetadata().withName(record.name()).withNamespace(namespace)
        .endMetadata().withSpec(new LeaseSpec()).build();
    apply(record, lease);
    HttpRequest request = builder(itemUrl(record.name())).put(JSON, Serialization.asJson(lease)).build();
    return send(request).map(response -> accept("update", record.name(), response));
  }

  @Override
  public Future<Void> delete(String name, String resourceVersion) {
    String body = "{\"apiVersion\":\"v1\",\"kind\":\"DeleteOptions\",\"preconditions\":{\"resourceVersion\":"
        + Serialization.asJson(resourceVersion) + "}}";
    HttpRequest request = builder(itemUrl(name)).delete(JSON, body).build();
    return send(request).map(response -> {
      if (!response.isSuccessful() && response.code() != 404 && response.code() != 409) {
        throw new IllegalStateException("delete of lease " + namespace + "/" + name + " failed with HTTP "
            + response.code());
      }
      return null;
    });
  }

  @Override
  public Future<Void> close() {
    closed = true;
    SharedIndexInformer<Lease> running = informer;
    informer = null;
    return Informers.stop(running, "watch on the leases of ring " + namespace + "/" + ring);
  }

  private HttpRequest.Builder builder(String url) {
    return http().newHttpRequestBuilder().timeout(timeoutMillis, TimeUnit.MILLISECONDS).uri(url)
        .header("Accept", JSON);
  }

  private String itemUrl(String name) {
    return collectionUrl + "/" + LeaseWire.encode(name);
  }

  private HttpClient http() {
    return requests.getHttpClient();
  }

  private Future<HttpResponse<String>> send(HttpRequest request) {
    CompletableFuture<HttpResponse<String>> response = http().sendAsync(request, String.class);
    Context context = Vertx.currentContext();
    return context == null ? Future.fromCompletionStage(response) : Future.fromCompletionStage(response, context);
  }

  private RingLease accept(String what, String name, HttpResponse<String> response) {
    if (response.code() == 409 || (response.code() == 404 && what.equals("update"))) {
      throw new RingConflictException(what + " of lease " + namespace + "/" + name + " conflicted (HTTP "
          + response.code() + ")");
    }
    if (!response.isSuccessful()) {
      String body = response.body() == null ? "" : response.body();
      throw new IllegalStateException(what + " of lease " + namespace + "/" + name + " failed with HTTP "
          + response.code() + ": " + (body.length() > 300 ? body.substring(0, 300) + "..." : body));
    }
    return toRecord(Serialization.unmarshal(response.body(), Lease.class));
  }

  static RingLease toRecord(Lease lease) {
    LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
    return new RingLease(lease.getMetadata().getName(), spec.getHolderIdentity(),
        spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions(),
        spec.getLeaseDurationSeconds() == null ? 0 : spec.getLeaseDurationSeconds(),
        LeaseWire.instant(spec.getAcquireTime()), LeaseWire.instant(spec.getRenewTime()), lease.getMetadata().getResourceVersion(),
        lease.getMetadata().getLabels(), lease.getMetadata().getAnnotations());
  }

  private static void apply(RingLease record, Lease lease) {
    lease.getMetadata().setResourceVersion(record.resourceVersion());
    lease.getMetadata().setLabels(record.labels().isEmpty() ? null : new LinkedHashMap<>(record.labels()));
    lease.getMetadata().setAnnotations(record.annotations().isEmpty() ? null
        : new LinkedHashMap<>(record.annotations()));
    LeaseSpec spec = lease.getSpec();
    spec.setHolderIdentity(record.holder());
    spec.setLeaseDurationSeconds(record.durationSeconds());
    spec.setAcquireTime(LeaseWire.microTime(record.acquireTime()));
    spec.setRenewTime(LeaseWire.microTime(record.renewTime()));
    spec.setLeaseTransitions(record.transitions());
  }
}
