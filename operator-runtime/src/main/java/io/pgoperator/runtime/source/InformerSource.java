package io.pgoperator.runtime.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.utils.KubernetesResourceUtil;
import io.pgoperator.runtime.logging.RetryLog;
import io.pgoperator.runtime.reconcile.Request;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watched type: a shared informer per watched namespace (or one for all namespaces), a
 * read-only view of their caches, and the hop of each event onto the owning context as keys.
 * Cache reads are safe from any thread; events are delivered only on the context given to
 * {@link #start}. Cached objects are in their {@link CachedForm}: shared, immutable where they
 * hold collections, never to be modified.
 */
public final class InformerSource<T extends HasMetadata> {

  private static final Logger log = LoggerFactory.getLogger(InformerSource.class);

  private final KubernetesClient client;
  private final Class<T> type;
  private final List<String> namespaces;
  private final KeyMapper<T> mapper;
  private final Map<String, String> labels;
  private final CacheTransform<T> transform;
  private final String name;
  /** First wait before an informer whose initial list was refused (403, 404) is tried again. */
  static final Duration REFUSED_RETRY_MIN = Duration.ofSeconds(1);
  /** The longest such wait. */
  static final Duration REFUSED_RETRY_MAX = Duration.ofSeconds(30);

  /** How often a catch-up compares the caches with its list. */
  static final long CATCH_UP_POLL_MILLIS = 50;
  /** A catch-up that has not seen its list in the caches by then fails; the caller lists again. */
  static final Duration CATCH_UP_DEADLINE = Duration.ofSeconds(30);
  private static final long LIST_PAGE = 500;

  /** One informer per watched namespace (or one for all); a slot's informer may be replaced before it syncs. */
  private final List<SharedIndexInformer<T>> informers = new CopyOnWriteArrayList<>();
  private Context context;
  private KeySink sink;
  private volatile boolean stopped;

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
    this(client, type, namespaces, labels, mapper, CacheTransform.whole());
  }

  /**
   * @param transform what the cache keeps of each object (see {@link CacheTransform}); objects
   *     are compacted either way (see {@link CachedForm})
   */
  public InformerSource(KubernetesClient client, Class<T> type, List<String> namespaces, Map<String, String> labels,
      KeyMapper<T> mapper, CacheTransform<T> transform) {
    this.client = client;
    this.type = type;
    this.namespaces = List.copyOf(namespaces);
    this.labels = Map.copyOf(labels);
    this.mapper = mapper;
    this.transform = transform;
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
   * are mapped to keys and handed to {@code sink} on {@code context}. An API server that is down
   * or failing is retried within a second; an initial list it refuses (403: no RBAC rule yet, 404:
   * the CRD is not installed yet) is tried again from a fresh informer after {@link
   * #REFUSED_RETRY_MIN}, doubling up to {@link #REFUSED_RETRY_MAX}, as client-go backs off, rather
   * than every second. Failures are logged when they start and then once a minute ({@link
   * RetryLog}); the source stays unsynced, or not watching, meanwhile.
   */
  public void start(Context context, KeySink sink) {
    if (!informers.isEmpty()) {
      throw new IllegalStateException("source " + name + " already started");
    }
    this.context = context;
    this.sink = sink;
    int slots = namespaces.isEmpty() ? 1 : namespaces.size();
    for (int slot = 0; slot < slots; slot++) {
      informers.add(newInformer(slot));
    }
    for (int slot = 0; slot < slots; slot++) {
      run(slot, informers.get(slot), new RetryLog(log, "informer for " + name
          + (namespaces.isEmpty() ? "" : " in namespace " + namespaces.get(slot))), REFUSED_RETRY_MIN);
    }
  }

  private SharedIndexInformer<T> newInformer(int slot) {
    SharedIndexInformer<T> informer = watched(slot).runnableInformer(0);
    informer.itemStore(new LeanItemStore<>(transform));
    return informer;
  }

  /** What one informer watches: its namespace (or all), with this source's labels. */
  private FilterWatchListDeletable<T, KubernetesResourceList<T>, Resource<T>> watched(int slot) {
    return namespaces.isEmpty()
        ? client.resources(type).inAnyNamespace().withLabels(labels)
        : client.resources(type).inNamespace(namespaces.get(slot)).withLabels(labels);
  }

  private void run(int slot, SharedIndexInformer<T> informer, RetryLog failures, Duration nextRefusedRetry) {
    informer.exceptionHandler((started, error) -> {
      failures.failed(error);
      if (!started && refused(error)) {
        context.runOnContext(v -> retryLater(slot, informer, failures, nextRefusedRetry));
        return false;
      }
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

  /** Replaces a refused informer (nothing cached yet) with a fresh one after {@code delay}. */
  private void retryLater(int slot, SharedIndexInformer<T> refused, RetryLog failures, Duration delay) {
    context.owner().setTimer(delay.toMillis(), id -> {
      if (stopped || informers.get(slot) != refused) {
        return;
      }
      SharedIndexInformer<T> fresh = newInformer(slot);
      informers.set(slot, fresh);
      context.executeBlocking(() -> {
        refused.stop();
        return null;
      }, false);
      Duration next = delay.multipliedBy(2);
      run(slot, fresh, failures, next.compareTo(REFUSED_RETRY_MAX) > 0 ? REFUSED_RETRY_MAX : next);
    });
  }

  /** The API server answered and said no: a missing RBAC rule or resource type, not an outage. */
  private static boolean refused(Throwable error) {
    return RetryLog.unwrap(error) instanceof KubernetesClientException k && (k.getCode() == 403 || k.getCode() == 404);
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

  /**
   * Completes once every informer's cache holds at least what the API server held at a quorum LIST
   * made now ({@link ListedState} has the rule). For a caller that must not act on changes made
   * while a watch was down: a watch that reconnects reports open before the events of the outage
   * have arrived. The LIST runs on a worker, in pages; the comparison on this source's context.
   * Fails when a watch is down again, the source stops, or {@link #CATCH_UP_DEADLINE} passes.
   */
  public Future<Void> catchUp() {
    List<SharedIndexInformer<T>> current = List.copyOf(informers);
    if (current.isEmpty()) {
      return Future.failedFuture("source " + name + " is not started");
    }
    return context.<List<ListedState>>executeBlocking(() -> {
      List<ListedState> listed = new ArrayList<>();
      for (int slot = 0; slot < current.size(); slot++) {
        listed.add(listQuorum(slot));
      }
      return listed;
    }, false).compose(listed -> {
      Promise<Void> caughtUp = Promise.promise();
      awaitCovered(current, listed, System.nanoTime() + CATCH_UP_DEADLINE.toNanos(), caughtUp);
      return caughtUp.future();
    });
  }

  /** A consistent read of one informer's objects (no resourceVersion: served from etcd, not a cache). */
  private ListedState listQuorum(int slot) {
    Map<String, String> versions = new HashMap<>();
    String listVersion = null;
    String next = null;
    do {
      ListOptions page = new ListOptionsBuilder().withLimit(LIST_PAGE).withContinue(next).build();
      KubernetesResourceList<T> items = watched(slot).list(page);
      if (listVersion == null) {
        listVersion = items.getMetadata().getResourceVersion();
      }
      items.getItems().forEach(item -> versions.put(Cache.metaNamespaceKeyFunc(item),
          KubernetesResourceUtil.getResourceVersion(item)));
      next = items.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
    return new ListedState(versions, listVersion);
  }

  private void awaitCovered(List<SharedIndexInformer<T>> current, List<ListedState> listed, long deadline,
      Promise<Void> caughtUp) {
    if (stopped || !current.equals(informers) || !isWatching()) {
      caughtUp.fail("the watch of " + name + " is down again");
      return;
    }
    boolean covered = true;
    for (int slot = 0; slot < current.size() && covered; slot++) {
      SharedIndexInformer<T> informer = current.get(slot);
      covered = listed.get(slot).coveredBy(informer.lastSyncResourceVersion(), () -> versionsOf(informer));
    }
    if (covered) {
      caughtUp.complete();
    } else if (System.nanoTime() - deadline > 0) {
      caughtUp.fail("the cache of " + name + " did not catch up with a list within " + CATCH_UP_DEADLINE.toSeconds() + " s");
    } else {
      context.owner().setTimer(CATCH_UP_POLL_MILLIS, id -> awaitCovered(current, listed, deadline, caughtUp));
    }
  }

  private static <T extends HasMetadata> Map<String, String> versionsOf(SharedIndexInformer<T> informer) {
    Map<String, String> versions = new HashMap<>();
    informer.getStore().list().forEach(item -> versions.put(Cache.metaNamespaceKeyFunc(item),
        KubernetesResourceUtil.getResourceVersion(item)));
    return versions;
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
    stopped = true;
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
