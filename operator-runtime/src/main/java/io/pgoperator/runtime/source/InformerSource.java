package io.pgoperator.runtime.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesResourceUtil;
import io.pgoperator.runtime.kube.RetryLog;
import io.pgoperator.runtime.reconcile.Request;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watched type: a shared informer per watched namespace (or one for all namespaces), a
 * read-only view of their caches, and the hop of each event onto the owning context as keys.
 * Cache reads are safe from any thread; events are delivered only on the context given to
 * {@link #start}.
 */
public final class InformerSource<T extends HasMetadata> {

  private static final Logger log = LoggerFactory.getLogger(InformerSource.class);

  private final KubernetesClient client;
  private final Class<T> type;
  private final List<String> namespaces;
  private final KeyMapper<T> mapper;
  private final Map<String, String> labels;
  private final String name;
  private final List<SharedIndexInformer<T>> informers = new ArrayList<>();

  /**
   * @param namespaces the namespaces to watch; empty for all namespaces
   */
  public InformerSource(KubernetesClient client, Class<T> type, List<String> namespaces, KeyMapper<T> mapper) {
    this(client, type, namespaces, Map.of(), mapper);
  }

  /**
   * @param labels watch only objects with all these labels (keeps caches of common kinds such as
   *     Secrets small: only what the operator manages is cached)
   */
  public InformerSource(KubernetesClient client, Class<T> type, List<String> namespaces, Map<String, String> labels,
      KeyMapper<T> mapper) {
    this.client = client;
    this.type = type;
    this.namespaces = List.copyOf(namespaces);
    this.labels = Map.copyOf(labels);
    this.mapper = mapper;
    this.name = HasMetadata.getPlural(type) + (HasMetadata.getGroup(type).isEmpty() ? "" : "." + HasMetadata.getGroup(type));
  }

  /** The resource name, e.g. {@code statefulsets.apps}; used for health checks and logs. */
  public String name() {
    return name;
  }

  public Class<T> type() {
    return type;
  }

  /**
   * Starts the informers. Safe on an event loop: nothing here waits for the API server. Events
   * are mapped to keys and handed to {@code sink} on {@code context}. Listing and watch errors (a
   * missing CRD, a 403, an API server that is down) are retried with backoff, within a second,
   * and logged when they start and then once a minute ({@link RetryLog}); the source stays
   * unsynced, or not watching, meanwhile.
   */
  public void start(Context context, KeySink sink) {
    if (!informers.isEmpty()) {
      throw new IllegalStateException("source " + name + " already started");
    }
    if (namespaces.isEmpty()) {
      informers.add(client.resources(type).inAnyNamespace().withLabels(labels).runnableInformer(0));
    } else {
      for (String namespace : namespaces) {
        informers.add(client.resources(type).inNamespace(namespace).withLabels(labels).runnableInformer(0));
      }
    }
    for (int i = 0; i < informers.size(); i++) {
      SharedIndexInformer<T> informer = informers.get(i);
      informer.itemStore(new LeanItemStore<>());
      RetryLog failures = new RetryLog(log, "informer for " + name
          + (namespaces.isEmpty() ? "" : " in namespace " + namespaces.get(i)));
      informer.exceptionHandler((started, error) -> {
        failures.failed(error);
        return true;
      });
      Handler handler = new Handler(informer, context, sink);
      informer.addEventHandler(handler);
      informer.start().whenComplete((ignored, error) -> {
        if (error == null) {
          handler.listVersion = informer.lastSyncResourceVersion();
          log.info("informer for {} synced ({} cached)", name, informer.getStore().list().size());
        }
      });
    }
  }

  /**
   * True while every informer of this source has its watch open: its cache follows the API server.
   * False after a watch failed until it is re-established (the cache may miss changes meanwhile).
   */
  public boolean isWatching() {
    return !informers.isEmpty() && informers.stream().allMatch(SharedIndexInformer::isWatching);
  }

  /** True once every informer of this source has completed its initial list. */
  public boolean hasSynced() {
    return !informers.isEmpty() && informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** The cached object with this key, or null. */
  public T get(Request key) {
    String storeKey = key.namespace().isEmpty() ? key.name() : key.namespace() + "/" + key.name();
    for (SharedIndexInformer<T> informer : informers) {
      T object = informer.getStore().getByKey(storeKey);
      if (object != null) {
        return object;
      }
    }
    return null;
  }

  /** Every cached object. */
  public List<T> list() {
    List<T> all = new ArrayList<>();
    informers.forEach(informer -> all.addAll(informer.getStore().list()));
    return all;
  }

  /** Every cached object's key, for a takeover or a resync; no request to the API server. */
  public List<Request> cachedKeys() {
    return list().stream().map(Request::of).toList();
  }

  public void stop() {
    informers.forEach(SharedIndexInformer::stop);
    informers.clear();
  }

  private final class Handler implements ResourceEventHandler<T> {

    private final SharedIndexInformer<T> informer;
    private final Context context;
    private final KeySink sink;
    /** The initial list's resourceVersion, once known: objects at or below it came with the list. */
    volatile String listVersion;

    Handler(SharedIndexInformer<T> informer, Context context, KeySink sink) {
      this.informer = informer;
      this.context = context;
      this.sink = sink;
    }

    /**
     * Live unless the object came with the initial list. fabric8 reports synced before the last
     * items of a large list reach this handler, so an add is judged by the list/watch boundary:
     * live only when written after the list (a numerically larger resourceVersion, which etcd
     * gives; when a server's versions are not numbers, the synced flag decides, as before).
     */
    @Override
    public void onAdd(T object) {
      deliver(object, afterList(KubernetesResourceUtil.getResourceVersion(object)));
    }

    private boolean afterList(String version) {
      String list = listVersion;
      if (list == null) {
        return false;
      }
      try {
        return Long.parseLong(version) > Long.parseLong(list);
      } catch (NumberFormatException | NullPointerException notNumeric) {
        return informer.hasSynced();
      }
    }

    @Override
    public void onUpdate(T oldObject, T newObject) {
      // An unchanged resourceVersion is a resync or a relist, not a change.
      boolean changed = !Objects.equals(
          KubernetesResourceUtil.getResourceVersion(oldObject), KubernetesResourceUtil.getResourceVersion(newObject));
      deliver(oldObject, newObject, changed && informer.hasSynced());
    }

    @Override
    public void onDelete(T object, boolean finalStateUnknown) {
      deliver(object, true);
    }

    private void deliver(T object, boolean live) {
      List<Request> keys = mapper.keysFor(object);
      if (!keys.isEmpty()) {
        context.runOnContext(ignored -> keys.forEach(key -> sink.accept(key, live)));
      }
    }

    /** An update concerns the keys of both versions (an owner reference may have changed). */
    private void deliver(T oldObject, T newObject, boolean live) {
      List<Request> keys = new ArrayList<>(mapper.keysFor(newObject));
      mapper.keysFor(oldObject).stream().filter(k -> !keys.contains(k)).forEach(keys::add);
      if (!keys.isEmpty()) {
        context.runOnContext(ignored -> keys.forEach(key -> sink.accept(key, live)));
      }
    }
  }
}
