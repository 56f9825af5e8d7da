package io.pgoperator.runtime;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.runtime.controller.ControllerVerticle;
import io.pgoperator.runtime.health.HealthCheck;
import io.pgoperator.runtime.health.HealthChecks;
import io.pgoperator.runtime.http.MetricsServer;
import io.pgoperator.runtime.http.ProbeServer;
import io.pgoperator.runtime.kube.KubeCalls;
import io.pgoperator.runtime.kube.KubeClients;
import io.pgoperator.runtime.leader.AlwaysLeader;
import io.pgoperator.runtime.leader.LeaderElectionConfig;
import io.pgoperator.runtime.leader.LeaseElector;
import io.pgoperator.runtime.leader.Leadership;
import io.pgoperator.runtime.metrics.MetricsSetup;
import io.pgoperator.runtime.ownership.Ownership;
import io.pgoperator.runtime.ownership.SingleLeader;
import io.pgoperator.runtime.shard.ShardedOwnership;
import io.pgoperator.runtime.shard.ShardingConfig;
import io.pgoperator.runtime.shard.SingleLeaderGuard;
import io.pgoperator.runtime.time.Clock;
import io.pgoperator.runtime.time.VertxClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: starts the parts in order and stops them in reverse.
 *
 * <p>Start: metrics registry (before Vert.x, which picks its metrics backend at creation) →
 * Vert.x → probe and metrics servers → Kubernetes clients → controllers (their informers run on
 * every replica) → leader election (or, sharded, joining the ring), once every cache has synced.
 * Stop: controllers stop taking keys and drain in-flight reconciles → the lease is released, or
 * every slot handed off (left to expire if a reconcile is still running) → informers stop →
 * clients, servers, Vert.x close. The whole stop is bounded by {@link
 * RuntimeOptions#gracefulShutdownTimeout()}.
 */
public final class OperatorRuntime {

  private static final Logger log = LoggerFactory.getLogger(OperatorRuntime.class);
  private static final Duration VERTX_CLOSE_BOUND = Duration.ofSeconds(3);
  /** How often a standby reads through the write client to keep its connection open. */
  static final Duration KEEP_WARM_PERIOD = Duration.ofSeconds(20);

  private final RuntimeOptions options;
  private final MetricsSetup metrics;
  private final Vertx vertx;
  private final HealthChecks healthz = new HealthChecks();
  private final HealthChecks readyz = new HealthChecks();
  private final List<String> deployments = new ArrayList<>();
  private final List<ControllerVerticle> controllers = new ArrayList<>();
  private ProbeServer probeServer;
  private MetricsServer metricsServer;
  private KubernetesClient client;
  private KubernetesClient leaseClient;
  private KubeCalls calls;
  private Leadership leadership;
  private Ownership ownership;
  private volatile String electorDeployment;
  private volatile boolean stopping;
  private volatile boolean cacheSyncTimedOut;
  private Runnable onLostLeadershipExit = () -> {};

  private OperatorRuntime(RuntimeOptions options) {
    this.options = options;
    this.metrics = new MetricsSetup();
    this.vertx = metrics.vertxBuilder(new VertxOptions()
        // Small and fixed: the work is I/O-bound and the footprint matters (see README, sizing).
        // A pool's threads, once started, stay: each of these pools starts a thread per task
        // until it is full. Workers serve warm-up, the caches' catch-up lists and stopping
        // informers (blocking Kubernetes calls have a pool of their own, KubeCalls, and the
        // metrics scrape a thread of its own); Vert.x's own blocking tasks (TLS set-up) need few:
        // its default is 20.
        .setEventLoopPoolSize(2)
        .setWorkerPoolSize(2)
        .setInternalBlockingPoolSize(2)
        .setBlockedThreadCheckInterval(1).setBlockedThreadCheckIntervalUnit(TimeUnit.SECONDS))
        .build();
  }

  /**
   * Starts an operator. Fails (with everything started so far stopped again) when a server
   * cannot bind or the controllers cannot be set up.
   */
  public static Future<OperatorRuntime> start(RuntimeOptions options, Config kubeConfig, ControllerSetup setup) {
    OperatorRuntime runtime = new OperatorRuntime(options);
    return runtime.startParts(kubeConfig, setup)
        .map(runtime)
        .recover(error -> runtime.stop().transform(ignored -> Future.failedFuture(error)));
  }

  /** Called, after the lease is released, when leadership is lost and --exit-on-lost-leadership is set. */
  public OperatorRuntime onLostLeadershipExit(Runnable exit) {
    this.onLostLeadershipExit = exit;
    return this;
  }

  private Future<Void> startParts(Config kubeConfig, ControllerSetup setup) {
    probeServer = new ProbeServer(options.probeAddress(), healthz, readyz);
    boolean sharedAddress = !options.metricsAddress().isDisabled()
        && options.metricsAddress().equals(options.probeAddress());
    if (sharedAddress) {
      probeServer = probeServer.withMetrics(metrics.registry());
    }
    Future<Void> servers = deploy(probeServer);
    if (!options.metricsAddress().isDisabled() && !sharedAddress) {
      metricsServer = new MetricsServer(options.metricsAddress(), metrics.registry());
      servers = servers.compose(v -> deploy(metricsServer));
    }
    return servers.compose(v -> {
      client = KubeClients.create(vertx, kubeConfig);
      Clock clock = new VertxClock(vertx);
      if (options.sharding().isPresent()) {
        return startSharded(kubeConfig, setup, clock, options.sharding().get());
      }
      SingleLeaderGuard guard = options.leaderElection()
          .map(config -> {
            leaseClient = KubeClients.createForLease(vertx, kubeConfig, config.leaseRequestTimeout());
            return SingleLeaderGuard.create(config, client, leaseClient, clock);
          })
          .orElse(null);
      LeaseElector elector = options.leaderElection()
          .map(config -> LeaseElector.create(config, client, leaseClient, clock, metrics.registry())
              .onLostLeadershipExit(() -> onLostLeadershipExit.run())
              // The mode guard: never lead beside live members of a sharded ring of the same name.
              .refuseToAcquireWhile(guard::reason))
          .orElse(null);
      if (elector == null) {
        leadership = new AlwaysLeader(clock);
        log.info("leader election is off (--leader-elect=false): this replica reconciles alone, with no Lease");
      } else {
        leadership = elector;
        healthz.add("leader-election", elector::livenessCheck);
      }
      ownership = new SingleLeader(leadership);
      Duration writeTimeout = options.leaderElection().map(LeaderElectionConfig::writeTimeout)
          .orElse(LeaderElectionConfig.MAX_WRITE_TIMEOUT);
      Future<Void> started = guard == null ? Future.succeededFuture() : deploy(guard);
      started = started.compose(ignored -> startControllers(kubeConfig, setup, writeTimeout));
      if (elector != null) {
        started = started.map(ignored -> {
          competeOnceSynced(elector, "competing for leadership");
          return null;
        });
      }
      return started;
    });
  }

  /**
   * Sharded: every replica joins the ring once its caches have synced and owns a share of the
   * slots; the ring's Leases live where the leader's Lease would, under its name.
   */
  private Future<Void> startSharded(Config kubeConfig, ControllerSetup setup, Clock clock, ShardingConfig config) {
    leaseClient = KubeClients.createForLease(vertx, kubeConfig, config.lease().leaseRequestTimeout());
    ShardedOwnership ring = ShardedOwnership.create(config, client, leaseClient, clock, metrics.registry());
    ownership = ring;
    healthz.add("sharding", ring::livenessCheck);
    log.info("sharded: {} slots in ring {}/{}; this replica owns a share of them", config.slots(),
        config.namespace(), config.ring());
    return startControllers(kubeConfig, setup, config.lease().writeTimeout()).map(ignored -> {
      competeOnceSynced(ring, "joining the ring");
      return null;
    });
  }

  private Future<Void> startControllers(Config kubeConfig, ControllerSetup setup, Duration writeTimeout) {
    calls = new KubeCalls(vertx, client, kubeConfig, writeTimeout, ownership,
        Math.max(4, 2 * options.maxConcurrentReconciles()));
    RuntimeContext context = new RuntimeContext(vertx, client, calls, ownership, metrics.registry(), options);
    controllers.addAll(setup.controllers(context));
    Future<Void> started = Future.succeededFuture();
    for (ControllerVerticle controller : controllers) {
      // Their watch events are then read as their class at once, not converted (see KubeClients).
      controller.sources().forEach(source -> KubeClients.register(source.type()));
      controller.sources().forEach(source -> readyz.add("informer-" + source.name().replace('.', '-'),
          HealthCheck.of(source::hasSynced, "informer for " + source.name() + " has not synced yet")));
      started = started.compose(ignored -> deploy(controller));
    }
    return started;
  }

  /**
   * Leader election (or joining the ring) starts only once every controller's caches have synced:
   * a leader with unsynced caches would hold the Lease and reconcile nothing (or act on a partial
   * view). If they have not synced within {@link RuntimeOptions#cacheSyncTimeout()}, this replica
   * never competes and {@code /healthz} fails, so the kubelet restarts it; the log says which
   * informers.
   */
  private void competeOnceSynced(io.vertx.core.Deployable elector, String what) {
    long startedNanos = System.nanoTime();
    long deadline = startedNanos + options.cacheSyncTimeout().toNanos();
    healthz.add("cache-sync", HealthCheck.of(() -> !cacheSyncTimedOut,
        "caches did not sync within --cache-sync-timeout (" + options.cacheSyncTimeout().toSeconds() + "s)"));
    vertx.setPeriodic(50, id -> {
      if (stopping) {
        vertx.cancelTimer(id);
        return;
      }
      List<String> unsynced = controllers.stream().flatMap(c -> c.sources().stream())
          .filter(source -> !source.hasSynced()).map(source -> source.name()).toList();
      if (unsynced.isEmpty()) {
        vertx.cancelTimer(id);
        log.info("caches synced in {} ms: {}", (System.nanoTime() - startedNanos) / 1_000_000, what);
        warmWritePath();
        vertx.deployVerticle(elector).onSuccess(deployment -> {
          if (stopping) {
            vertx.undeploy(deployment);
          } else {
            electorDeployment = deployment;
          }
        }).onFailure(error -> log.error("leader election did not start", error));
      } else if (System.nanoTime() - deadline > 0) {
        vertx.cancelTimer(id);
        cacheSyncTimedOut = true;
        log.error("informers for {} did not sync within --cache-sync-timeout ({} s): not competing for leadership,"
            + " /healthz fails so that this replica is restarted; check RBAC (list/watch) and that the CRDs are"
            + " installed", unsynced, options.cacheSyncTimeout().toSeconds());
      }
    });
  }

  /**
   * Keeps the takeover path warm, so that a standby that wins writes within milliseconds: each
   * reconciler's code runs once (class loading, crypto, serialization; no API requests), and the
   * write client's connection is opened now and kept open while this replica stands by (a read
   * every {@link #KEEP_WARM_PERIOD}, well inside the HTTP client's 60 s keep-alive).
   */
  private void warmWritePath() {
    for (ControllerVerticle controller : controllers) {
      long started = System.nanoTime();
      vertx.<Void>executeBlocking(() -> {
        controller.warmUp();
        return null;
      }, false).onComplete(done -> {
        if (done.succeeded()) {
          log.debug("controller {} warmed up in {} ms", controller.name(), (System.nanoTime() - started) / 1_000_000);
        } else {
          log.warn("controller {}: warm-up failed (the first reconcile will be slower): {}", controller.name(),
              done.cause().toString());
        }
      });
    }
    keepWarm();
    vertx.setPeriodic(KEEP_WARM_PERIOD.toMillis(), id -> {
      if (stopping) {
        vertx.cancelTimer(id);
      } else if (!ownership.ownsAny()) {
        keepWarm();
      }
    });
  }

  private void keepWarm() {
    calls.keepWarm().onFailure(error -> log.debug("keeping the write connection warm failed: {}", error.toString()));
  }

  private Future<Void> deploy(io.vertx.core.Deployable verticle) {
    return vertx.deployVerticle(verticle).map(id -> {
      deployments.add(id);
      return null;
    });
  }

  public KubernetesClient client() {
    return client;
  }

  /** The leader election; null when sharded (see {@link #ownership()}). */
  public Leadership leadership() {
    return leadership;
  }

  /** Which keys this replica reconciles now. */
  public Ownership ownership() {
    return ownership;
  }

  public int probePort() {
    return probeServer.actualPort();
  }

  /** The metrics port, or -1 when metrics are disabled; the probe port when both share an address. */
  public int metricsPort() {
    if (metricsServer != null) {
      return metricsServer.actualPort();
    }
    return options.metricsAddress().isDisabled() ? -1 : probeServer.actualPort();
  }

  public String scrapeMetrics() {
    return metrics.scrape();
  }

  /** Stops everything in reverse start order, within the graceful shutdown timeout. Never fails. */
  public Future<Void> stop() {
    return stop(true);
  }

  /**
   * Stops like {@link #stop()} but leaves the Lease as it is (standbys take over when it expires):
   * for a process whose API server goes away with it, as in embedded mode, where a release could
   * only wait for a time-out. Never fails.
   */
  public Future<Void> stopWithoutRelease() {
    return stop(false);
  }

  private Future<Void> stop(boolean release) {
    stopping = true;
    Duration bound = options.gracefulShutdownTimeout();
    // Half of the bound for in-flight reconciles, the rest for the release and closing.
    Duration drain = bound.dividedBy(2);
    log.info("shutting down: draining reconciles (up to {} ms), then {} leadership", drain.toMillis(),
        release ? "releasing" : "abandoning");
    Future<Boolean> drained = Future.all(controllers.stream().map(c -> c.quiesce(drain)).toList())
        .map(all -> all.<Boolean>list().stream().allMatch(Boolean::booleanValue));
    return drained
        .compose(allDrained -> {
          // A reconcile still running may still write (until its term ends): releasing now would let a
          // standby lead while it does. Leave the Lease (or the slots) to expire instead.
          // Sharded, --leader-elect-release-on-cancel=false leaves the slots to expire too.
          boolean releasing = release && allDrained
              && options.sharding().map(config -> config.lease().releaseOnCancel()).orElse(true);
          if (release && !allDrained) {
            log.warn("reconciles still running after the drain: leaving the Lease to expire instead of releasing it");
          }
          return step(releasing ? "release leadership" : "abandon leadership", ownership == null
              ? Future.succeededFuture() : releasing ? ownership.release() : ownership.abandon());
        })
        .compose(v -> step("stop leader election",
            electorDeployment == null ? Future.succeededFuture() : vertx.undeploy(electorDeployment)))
        .transform(ignored -> step("stop controllers and servers", undeployAll()))
        .transform(ignored -> {
          if (calls != null) {
            calls.close();
          }
          if (client != null) {
            client.close();
          }
          if (leaseClient != null) {
            leaseClient.close();
          }
          return step("close Vert.x", bounded(vertx.close(), VERTX_CLOSE_BOUND));
        })
        .transform(ignored -> {
          metrics.close();
          log.info("stopped");
          return Future.<Void>succeededFuture();
        });
  }

  /**
   * Completes when {@code future} does or after {@code bound}, whichever is first: closing Vert.x
   * can wait on connections to an API server that went away, and shutdown must stay bounded.
   */
  private static Future<Void> bounded(Future<Void> future, Duration bound) {
    Promise<Void> done = Promise.promise();
    future.onComplete(ignored -> done.tryComplete());
    CompletableFuture.delayedExecutor(bound.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
      if (done.tryComplete()) {
        log.warn("Vert.x did not close within {} ms; going on", bound.toMillis());
      }
    });
    return done.future();
  }

  private static Future<Void> step(String what, Future<Void> step) {
    log.debug("shutdown: {}", what);
    return step.andThen(done -> log.debug("shutdown: {} {}", what, done.succeeded() ? "done" : "failed: " + done.cause()));
  }

  private Future<Void> undeployAll() {
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.transform(ignored -> vertx.undeploy(id));
    }
    deployments.clear();
    return chain.otherwiseEmpty();
  }
}
