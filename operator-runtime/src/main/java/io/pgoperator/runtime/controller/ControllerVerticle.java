package io.pgoperator.runtime.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgoperator.runtime.kube.FencedWriteException;
import io.pgoperator.runtime.leader.LeaderTerm;
import io.pgoperator.runtime.leader.Leadership;
import io.pgoperator.runtime.ownership.Ownership;
import io.pgoperator.runtime.ownership.OwnershipListener;
import io.pgoperator.runtime.ownership.SingleLeader;
import io.pgoperator.runtime.queue.MicrometerWorkQueueMetrics;
import io.pgoperator.runtime.queue.Priority;
import io.pgoperator.runtime.queue.RateLimiters;
import io.pgoperator.runtime.queue.WorkQueue;
import io.pgoperator.runtime.reconcile.ReconcileScope;
import io.pgoperator.runtime.reconcile.Reconciler;
import io.pgoperator.runtime.reconcile.Request;
import io.pgoperator.runtime.reconcile.Result;
import io.pgoperator.runtime.reconcile.TerminalException;
import io.pgoperator.runtime.source.InformerSource;
import io.pgoperator.runtime.time.Clock;
import io.pgoperator.runtime.time.VertxClock;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One controller: its sources, its work queue and its workers, all confined to this verticle's
 * context. Sources run from start to stop on every replica, so a standby's caches are warm; but
 * only an owner queues work: events for keys whose slot this replica does not own are dropped
 * (the cache has the state they carry), and when a slot is acquired every cached key of it is
 * queued behind live events. Workers take a key only while this replica owns its slot (under that
 * slot's {@link LeaderTerm}) and every source has synced. Without sharding there is one slot,
 * owned by the leader.
 */
public final class ControllerVerticle extends VerticleBase implements OwnershipListener {

  private static final Logger log = LoggerFactory.getLogger(ControllerVerticle.class);
  private static final long SYNC_POLL_MILLIS = 50;

  private final ControllerOptions options;
  private final InformerSource<? extends HasMetadata> primary;
  private final List<InformerSource<? extends HasMetadata>> sources = new ArrayList<>();
  private final Reconciler reconciler;
  private final Ownership ownership;
  private final MeterRegistry registry;
  private Clock clock;

  private WorkQueue<Request> queue;
  private ControllerMetrics metrics;
  /** The term of each slot this replica owns, null for the others. */
  private final LeaderTerm[] terms;
  /** Reconciles running per slot, and who waits for a released slot's to finish. */
  private final int[] activeBySlot;
  private final List<List<Promise<Void>>> drainsBySlot = new ArrayList<>();
  private boolean synced;
  private boolean stopping;
  private int active;
  private long syncTimer = -1;
  private long resyncTimer = -1;
  private CatchUpGate catchUpGate;

  public ControllerVerticle(ControllerOptions options, InformerSource<? extends HasMetadata> primary,
      List<InformerSource<? extends HasMetadata>> secondaries, Reconciler reconciler, Leadership leadership,
      MeterRegistry registry) {
    this(options, primary, secondaries, reconciler, new SingleLeader(leadership), registry);
  }

  public ControllerVerticle(ControllerOptions options, InformerSource<? extends HasMetadata> primary,
      List<InformerSource<? extends HasMetadata>> secondaries, Reconciler reconciler, Ownership ownership,
      MeterRegistry registry) {
    this.options = options;
    this.primary = primary;
    this.sources.add(primary);
    this.sources.addAll(secondaries);
    this.reconciler = reconciler;
    this.ownership = ownership;
    this.registry = registry;
    this.terms = new LeaderTerm[ownership.slots()];
    this.activeBySlot = new int[ownership.slots()];
    for (int slot = 0; slot < terms.length; slot++) {
      drainsBySlot.add(new ArrayList<>());
    }
  }

  public String name() {
    return options.name();
  }

  /** The reconciler's warm-up ({@link Reconciler#warmUp()}); blocks: call it on a worker. */
  public void warmUp() {
    reconciler.warmUp();
  }

  /** Every source, primary first; their sync state feeds the readiness checks. */
  public List<InformerSource<? extends HasMetadata>> sources() {
    return List.copyOf(sources);
  }

  public boolean hasSynced() {
    return sources.stream().allMatch(InformerSource::hasSynced);
  }

  @Override
  public Future<?> start() {
    clock = new VertxClock(vertx);
    queue = new WorkQueue<>(options.name(), clock, RateLimiters.controllerDefault(clock),
        new MicrometerWorkQueueMetrics(registry, options.name(), options.name(), clock));
    metrics = new ControllerMetrics(registry, options.name(), options.maxConcurrentReconciles());
    queue.onReady(this::pump);
    catchUpGate = new CatchUpGate(options.name(), () -> sources.stream().allMatch(InformerSource::isWatching),
        () -> queue.length() > 0, () -> Future.all(sources.stream().map(InformerSource::catchUp).toList()),
        clock, this::pump, new CatchUpMetrics(registry, options.name()));
    for (InformerSource<? extends HasMetadata> source : sources) {
      source.start(context, (key, live) -> {
        if (owns(key)) {
          queue.add(key, live ? Priority.HIGH : Priority.LOW);
        }
      });
    }
    awaitSync();
    if (!options.resyncPeriod().isZero()) {
      scheduleResync();
    }
    ownership.addListener(this);
    if (terms.length > 1) {
      ControllerMetrics.ownedKeys(registry, options.name(),
          () -> primary.cachedKeys().stream().filter(this::ownsNow).count());
    }
    log.info("controller {} started: {} worker(s), watching {}", options.name(), options.maxConcurrentReconciles(),
        sources.stream().map(InformerSource::name).toList());
    return Future.succeededFuture();
  }

  // Ownership callbacks arrive on the owner's context; state changes happen on ours.

  @Override
  public void acquired(int slot, LeaderTerm newTerm) {
    context.runOnContext(ignored -> {
      if (stopping) {
        return;
      }
      terms[slot] = newTerm;
      // Warm takeover: every cached primary of the slot, behind live events, with no LIST request.
      int queued = 0;
      for (Request key : primary.cachedKeys()) {
        if (terms.length == 1 || ownership.slotOf(key) == slot) {
          queue.add(key, Priority.LOW);
          queued++;
        }
      }
      if (terms.length == 1) {
        log.info("controller {}: leading ({}), {} cached object(s) queued", options.name(), newTerm, queued);
      } else {
        log.info("controller {}: owning slot {} ({}), {} cached object(s) queued", options.name(), slot, newTerm,
            queued);
      }
      pump();
    });
  }

  @Override
  public Future<Void> released(int slot, LeaderTerm oldTerm) {
    Promise<Void> drained = Promise.promise();
    context.runOnContext(ignored -> {
      if (terms[slot] == oldTerm) {
        terms[slot] = null;
        if (terms.length == 1) {
          // A standby keeps no backlog: whoever leads next queues every cached key.
          queue.clear();
          log.info("controller {}: stopped dispatching, {} ended; {} reconcile(s) in flight are fenced",
              options.name(), oldTerm, active);
        } else {
          queue.removeIf(key -> ownership.slotOf(key) == slot);
          log.info("controller {}: released slot {} ({}), {} reconcile(s) of it in flight", options.name(), slot,
              oldTerm, activeBySlot[slot]);
        }
      }
      if (activeBySlot[slot] == 0) {
        drained.complete();
      } else {
        drainsBySlot.get(slot).add(drained);
      }
    });
    return drained.future();
  }

  private boolean owns(Request key) {
    return terms[ownership.slotOf(key)] != null;
  }

  private boolean ownsNow(Request key) {
    LeaderTerm term = terms[ownership.slotOf(key)];
    return term != null && term.isValid();
  }

  /**
   * Stops taking keys and waits up to {@code bound} for in-flight reconciles. Completes with
   * whether every reconcile finished (only then may the leader release its lease), never fails.
   */
  public Future<Boolean> quiesce(Duration bound) {
    Promise<Boolean> drained = Promise.promise();
    context.runOnContext(ignored -> {
      stopping = true;
      if (active > 0) {
        log.info("controller {}: waiting up to {} for {} in-flight reconcile(s)", options.name(), bound, active);
      }
      long timer = clock.setTimer(bound.toMillis(), () -> {
        if (drained.tryComplete(false)) {
          log.warn("controller {}: {} reconcile(s) still running after {}; stopping anyway", options.name(), active, bound);
        }
      });
      queue.shutDownWithDrain().onComplete(done -> {
        clock.cancelTimer(timer);
        drained.tryComplete(true);
      });
    });
    return drained.future();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    cancel(syncTimer);
    cancel(resyncTimer);
    if (catchUpGate != null) {
      catchUpGate.stop();
    }
    if (queue != null) {
      queue.shutDown();
    }
    sources.forEach(InformerSource::stop);
    return Future.succeededFuture();
  }

  private void awaitSync() {
    if (hasSynced()) {
      synced = true;
      log.info("controller {}: caches synced, {} primary object(s)", options.name(), primary.list().size());
      catchUpGate.start();
      pump();
    } else {
      syncTimer = clock.setTimer(SYNC_POLL_MILLIS, this::awaitSync);
    }
  }

  private void scheduleResync() {
    resyncTimer = clock.setTimer(options.resyncPeriod().toMillis(), () -> {
      if (!stopping) {
        primary.cachedKeys().stream().filter(this::owns).forEach(key -> queue.add(key, Priority.LOW));
        scheduleResync();
      }
    });
  }

  private void pump() {
    if (!stopping && synced && queue.length() > 0) {
      catchUpGate.advance();
      if (!catchUpGate.isOpen()) {
        return;
      }
    }
    while (!stopping && synced && active < options.maxConcurrentReconciles()) {
      Request key = queue.poll();
      if (key == null) {
        return;
      }
      LeaderTerm term = terms[ownership.slotOf(key)];
      if (term == null || !term.isValid()) {
        // An ended term never becomes valid again: whoever owns the slot next queues the key.
        queue.forget(key);
        queue.done(key);
        continue;
      }
      process(key, term);
    }
  }

  private void process(Request key, LeaderTerm term) {
    active++;
    activeBySlot[ownership.slotOf(key)]++;
    metrics.workerStarted();
    ReconcileScope scope = new ReconcileScope(options.name(), key, newReconcileId(), term);
    long startNanos = clock.nanoTime();
    scope.bindTo(context).runOnContext(ignored -> {
      Future<Result> outcome;
      try (var mdc = Mdc.of(scope)) {
        outcome = reconciler.reconcile(key);
        if (outcome == null) {
          outcome = Future.failedFuture(new NullPointerException("reconciler returned no future"));
        }
      } catch (RuntimeException | Error e) {
        // A throwing reconciler is a bug, but it must not kill the worker (controller-runtime's panic recovery).
        outcome = Future.failedFuture(e);
      }
      outcome.onComplete(result -> context.runOnContext(done -> finish(scope, startNanos, result)));
    });
  }

  private void finish(ReconcileScope scope, long startNanos, AsyncResult<Result> result) {
    Request key = scope.request();
    long nanos = clock.nanoTime() - startNanos;
    active--;
    int slot = ownership.slotOf(key);
    boolean owned = terms[slot] != null;
    try (var mdc = Mdc.of(scope)) {
      if (result.failed()) {
        Throwable error = result.cause();
        boolean terminal = causedBy(error, TerminalException.class);
        if (terminal) {
          log.error("reconcile of {} failed permanently, not retrying until the object changes: {}", key, error.getMessage());
        } else if (causedBy(error, FencedWriteException.class)) {
          // Not retried here: whoever leads now reconciles the key; this replica re-queues
          // every cached key if it leads again.
          log.warn("reconcile of {} stopped: {}", key, error.getMessage());
        } else {
          if (owned) {
            queue.addRateLimited(key);
          }
          log.error("reconcile of {} failed, retry #{} : {}", key, queue.numRequeues(key), error.toString(),
              log.isDebugEnabled() ? error : null);
        }
        metrics.workerFinished(ControllerMetrics.Outcome.ERROR, terminal, nanos);
      } else {
        Result outcome = result.result();
        switch (outcome.kind()) {
          case REQUEUE_AFTER -> {
            queue.forget(key);
            if (owned) {
              queue.addAfter(key, outcome.after(), Priority.LOW);
            }
            metrics.workerFinished(ControllerMetrics.Outcome.REQUEUE_AFTER, false, nanos);
          }
          case REQUEUE -> {
            if (owned) {
              queue.addRateLimited(key);
            }
            metrics.workerFinished(ControllerMetrics.Outcome.REQUEUE, false, nanos);
          }
          case DONE -> {
            queue.forget(key);
            metrics.workerFinished(ControllerMetrics.Outcome.SUCCESS, false, nanos);
          }
        }
        log.debug("reconciled {}: {}", key, outcome);
      }
    }
    queue.done(key);
    if (--activeBySlot[slot] == 0 && !drainsBySlot.get(slot).isEmpty()) {
      drainsBySlot.get(slot).forEach(Promise::tryComplete);
      drainsBySlot.get(slot).clear();
    }
    pump();
  }

  private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String newReconcileId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new java.util.UUID(random.nextLong(), random.nextLong()).toString();
  }

  private void cancel(long timer) {
    if (timer >= 0 && clock != null) {
      clock.cancelTimer(timer);
    }
  }

  /** Puts the reconcile's fields into the logging MDC for the statements in one block. */
  private record Mdc() implements AutoCloseable {
    static Mdc of(ReconcileScope scope) {
      MDC.put("controller", scope.controller());
      MDC.put("key", scope.request().toString());
      MDC.put("reconcileID", scope.reconcileId());
      return new Mdc();
    }

    @Override
    public void close() {
      MDC.remove("controller");
      MDC.remove("key");
      MDC.remove("reconcileID");
    }
  }
}
