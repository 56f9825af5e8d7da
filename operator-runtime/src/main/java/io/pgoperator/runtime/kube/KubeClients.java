package io.pgoperator.runtime.kube;

import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.fabric8.kubernetes.model.jackson.Jackson2JdkTypesModule;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds fabric8 clients whose HTTP traffic runs on the operator's own Vert.x event loops, and
 * which share one serialization and two task threads (process-wide, see below).
 */
public final class KubeClients {

  private KubeClients() {}

  /**
   * First wait before a dropped watch is re-established, and before a failed read is repeated.
   * fabric8 doubles each wait up to 32 times this (its fixed cap), so after an outage of any
   * length a watch is re-established at most {@value} × 32 = 800 ms after the API server answers
   * again, resuming from its last resourceVersion (no relist). fabric8's defaults (1 s for watches,
   * 100 ms for retries, each a nested backoff) let a watch sleep up to 32 s after a long outage.
   * The cost: while the API server is unreachable each watch tries about once per 800 ms (client-go
   * backs off to 30 s), a refused connection or a 5xx; a Retry-After from the server is honoured.
   */
  static final int RECONNECT_BASE_MILLIS = 25;

  /**
   * One serialization (one Jackson mapper and its caches) for every client the runtime builds,
   * instead of one each, and without fabric8's class-path scan: by default the first polymorphic
   * read (a watch event's object) instantiates every KubernetesResource that every model jar lists
   * (about 1,100 classes, 6 MiB of metaspace, for kinds this process never sees). Only the kinds
   * registered here ({@link #register}; the runtime registers each informer source's) are read as
   * their class straight away; a watch converts any other kind to its own type, one more copy per
   * event. {@link Status} must be registered: a watch recognises an ERROR event (410 Gone, then a
   * relist) by its class.
   */
  private static final KubernetesSerialization SERIALIZATION = serialization();

  private static KubernetesSerialization serialization() {
    // The mapper fabric8's default constructor builds, with the scan turned off.
    KubernetesSerialization serialization = new KubernetesSerialization(
        JsonMapper.builderWithJackson2Defaults().addModule(new Jackson2JdkTypesModule()).build(), false);
    serialization.registerKubernetesResource(Status.class);
    serialization.registerKubernetesResource(Pod.class);
    return serialization;
  }

  /**
   * The threads fabric8 runs its own tasks on: reading watch events and handing them to informer
   * handlers (which hop onto a Vert.x context at once), one task at a time per watch. Two for all
   * clients: by default each client has a cached pool of its own, 7 threads in all with 1,000
   * clusters. Daemon threads that end after a minute without work.
   */
  static final int TASK_THREADS = 2;
  private static final ExecutorService TASKS = tasks();

  private static ExecutorService tasks() {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(TASK_THREADS, TASK_THREADS, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), task -> {
          Thread thread = new Thread(task, "kube-client-tasks-" + count.getAndIncrement());
          thread.setDaemon(true);
          return thread;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Reads {@code kind} as its class wherever the API server may answer with any kind (watch events). */
  public static void register(Class<? extends KubernetesResource> kind) {
    SERIALIZATION.registerKubernetesResource(kind);
  }

  /**
   * The client for reads, informers and watches: fabric8's retries and timeouts, with a short
   * reconnect backoff ({@link #RECONNECT_BASE_MILLIS}) so caches follow the API server again
   * within a second of an outage ending.
   */
  public static KubernetesClient create(Vertx vertx, Config config) {
    return builder(vertx, new ConfigBuilder(config)
        .withWatchReconnectInterval(RECONNECT_BASE_MILLIS)
        .withRequestRetryBackoffInterval(RECONNECT_BASE_MILLIS)
        .build()).build();
  }

  /**
   * The client for Lease requests: no client-level retries (the elector retries itself, and a
   * repeat could land after the elector gave up on it) and every request abandoned after
   * {@code timeout}.
   */
  public static KubernetesClient createForLease(Vertx vertx, Config config, Duration timeout) {
    return builder(vertx, bounded(config, timeout)).build();
  }

  /**
   * The client for fenced writes: no client-level retries (a repeat would leave after the check
   * that let the first one go; the reconcile retries instead, after checking again), every request
   * abandoned after {@code timeout} (see {@code LeaderElectionConfig#writeTimeout}: shorter than
   * the lease margin, so a write sent in a term cannot reach the API server once another replica
   * may lead), and each request checked against the sending write's term by
   * {@link FencingInterceptor}. Only {@link KubeCalls#write} sends through it.
   */
  static KubernetesClient createFenced(Vertx vertx, Config config, Duration timeout) {
    return builder(vertx, bounded(config, timeout))
        .withHttpClientBuilderConsumer(builder -> builder.addOrReplaceInterceptor(FencingInterceptor.NAME,
            new FencingInterceptor(timeout)))
        .build();
  }

  private static Config bounded(Config config, Duration timeout) {
    return new ConfigBuilder(config)
        .withRequestRetryBackoffLimit(0)
        .withRequestTimeout((int) Math.max(1, timeout.toMillis()))
        .build();
  }

  private static KubernetesClientBuilder builder(Vertx vertx, Config config) {
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withKubernetesSerialization(SERIALIZATION)
        .withTaskExecutor(TASKS)
        .withHttpClientFactory(new Vertx5HttpClientFactory(vertx));
  }
}
