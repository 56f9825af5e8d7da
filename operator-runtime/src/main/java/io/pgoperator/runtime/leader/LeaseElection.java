package io.pgoperator.runtime.leader;

import io.fabric8.kubernetes.api.model.Pod;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgoperator.runtime.logging.RetryLog;
import io.pgoperator.runtime.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lease election as a plain state machine, driven by a {@link Clock} and {@link LeaseApi}
 * futures, so tests run it synchronously with a fake clock and fake API. Every method runs on one
 * thread (the elector's context); {@link #currentTerm()}, {@link #observedHolder()} and {@link
 * #unhealthyReason()} may be called from any thread.
 *
 * <p>The rules that keep two replicas from leading at once:
 * <ul>
 *   <li>Every write carries the resourceVersion last seen; a 409 means re-read, never overwrite.
 *   <li>A standby takes a held Lease only as {@link LeaseObservation} allows: unchanged for its
 *       duration since this replica saw it change, on this replica's monotonic clock.
 *   <li>A leader's term is valid until the send time of its last successful write plus the
 *       renew deadline, which is shorter than the lease duration: the write landed after it was
 *       sent, and a standby saw it later still.
 *   <li>A leader ends its term as soon as a read shows someone else (or nobody) holding the Lease.
 * </ul>
 */
final class LeaseElection {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseElector.class);

  static final Duration LIVENESS_GRACE = LeaderElectionConfig.LIVENESS_GRACE;

  private enum Phase { IDLE, COMPETING, RELEASING, STOPPED }

  private final LeaderElectionConfig config;
  private final String identity;
  private final String lease;
  private final LeaseApi api;
  private final PodWatch pods;
  private final Clock clock;
  private final ElectionMetrics metrics;
  private final LeaseObservation seen;
  private final RequestSlot request;
  private final RetryLog requestFailures;
  private final long renewDeadlineNanos;
  private final long retryPeriodNanos;
  private final List<LeadershipListener> listeners = new ArrayList<>();
  private Runnable exitOnLoss = () -> {};
  private java.util.function.Supplier<String> acquireGuard = () -> null;
  private String refusedBecause;

  private Phase phase = Phase.IDLE;
  private volatile LeaderTerm term;
  private volatile long lastRenewNanos;
  private long termNumbers;
  private long nextRenewAtNanos;
  private long notBeforeNanos;
  private long wakeTimer = -1;
  private long deadlineTimer = -1;
  private long releaseTimer = -1;
  private Promise<Void> released;
  /** This process among any that share its identity: written with every record of ours. */
  private final String instance = java.util.UUID.randomUUID().toString();
  private boolean sawAny;
  private String firstSeenVersion;
  private volatile String duplicateIdentity;
  /** The holder's Pod this standby follows, null when none. */
  private HolderPod followed;

  /**
   * @param jitterMillis given a maximum, returns a delay in [0, maximum] added to each takeover
   *     at expiry
   */
  LeaseElection(LeaderElectionConfig config, LeaseApi api, PodWatch pods, Clock clock, MeterRegistry registry,
      LongUnaryOperator jitterMillis) {
    this.config = config;
    this.identity = config.identity();
    this.lease = config.namespace() + "/" + config.name();
    this.api = api;
    this.pods = pods;
    this.clock = clock;
    this.metrics = new ElectionMetrics(registry, config.name(), () -> term != null);
    this.seen = new LeaseObservation(config, clock, metrics, jitterMillis);
    this.renewDeadlineNanos = config.renewDeadline().toNanos();
    this.retryPeriodNanos = config.retryPeriod().toNanos();
    this.request = new RequestSlot(clock, config.leaseRequestTimeout().toMillis());
    this.requestFailures = new RetryLog(LOG, "lease " + lease);
  }

  LeaderTerm currentTerm() {
    return term;
  }

  String observedHolder() {
    return seen.holder();
  }

  void onLostLeadershipExit(Runnable exit) {
    this.exitOnLoss = exit;
  }

  /** While {@code reason} answers non-null, this replica does not acquire the Lease (renewing is not affected). */
  void refuseToAcquireWhile(java.util.function.Supplier<String> reason) {
    this.acquireGuard = reason;
  }

  void addListener(LeadershipListener listener) {
    listeners.add(listener);
    LeaderTerm current = term;
    if (current != null && current.isValid()) {
      notify(listener, current, true);
    }
  }

  void start() {
    if (phase != Phase.IDLE) {
      return;
    }
    phase = Phase.COMPETING;
    LOG.info("competing for {}", config);
    api.watch(this::onWatchEvent);
    pods.start(this::onHolderPod);
    step();
  }

  /**
   * Null when fine; otherwise why liveness should fail: this replica believes it leads but has
   * not renewed for longer than the renew deadline plus {@link #LIVENESS_GRACE}. The deadline
   * timer would have ended the term long before, so the elector's event loop must be stuck.
   */
  String unhealthyReason() {
    if (duplicateIdentity != null) {
      return duplicateIdentity;
    }
    LeaderTerm current = term;
    if (current == null) {
      return null;
    }
    long since = clock.nanoTime() - lastRenewNanos;
    if (since <= renewDeadlineNanos + LIVENESS_GRACE.toNanos()) {
      return null;
    }
    return "leader of lease " + lease + " (" + current + ") has not renewed for " + since / 1_000_000 + "ms,"
        + " beyond renew-deadline " + config.renewDeadline().toMillis() + "ms + " + LIVENESS_GRACE.toSeconds()
        + "s grace: the elector looks wedged";
  }

  // ---- deciding what to do next ----

  private void step() {
    if (phase != Phase.COMPETING) {
      return;
    }
    followHolderPod();
    if (request.busy()) {
      return;
    }
    cancelWake();
    long now = clock.nanoTime();
    long pollAt = seen.lastSeenNanos() + retryPeriodNanos;
    if (now - notBeforeNanos < 0) {
      wakeAt(notBeforeNanos);
    } else if (!seen.known()) {
      read();
    } else if (term != null) {
      if (now - nextRenewAtNanos >= 0) {
        write();
      } else {
        wakeAt(nextRenewAtNanos);
      }
    } else if (seen.takeable(now) && !refusedToAcquire()) {
      write();
    } else if (seen.takeable(now)) {
      wakeAt(now + retryPeriodNanos);
    } else if (now - pollAt >= 0) {
      read(); // the fallback in case the watch has silently stopped
    } else {
      wakeAt(pollAt - seen.takeoverAtNanos() < 0 ? pollAt : seen.takeoverAtNanos());
    }
  }

  /** Whether the acquire guard says no now; logs each new reason once. */
  private boolean refusedToAcquire() {
    String reason = acquireGuard.get();
    if (reason != null && !reason.equals(refusedBecause)) {
      LOG.warn("not acquiring lease {}: {}", lease, reason);
    } else if (reason == null && refusedBecause != null) {
      LOG.info("lease {}: no longer refusing to acquire", lease);
    }
    refusedBecause = reason;
    return reason != null;
  }

  private void afterRequest() {
    if (phase == Phase.RELEASING) {
      continueRelease();
    } else {
      step();
    }
  }

  private void onWatchEvent(LeaseRecord record) {
    if (phase != Phase.COMPETING || refusedDuplicate(record)) {
      return;
    }
    if (term == null) {
      seen.saw(record);
    } else if (record == null || !record.heldBy(identity)) {
      // A leader trusts its own writes, and a lagging watch may still show the holder it
      // replaced; but the Lease may also have been deleted or overwritten: check with a read.
      seen.forget();
    }
    step();
  }

  /**
   * A standby follows the Pod of the holder it last saw, so it hears at once when the kubelet
   * reports the holder's process gone; a leader follows none.
   */
  private void followHolderPod() {
    LeaseRecord record = seen.known() ? seen.record() : null;
    if (record == null) {
      return; // keep following while re-reading: the holder is most likely the same
    }
    HolderPod holder = term == null && record.hasHolder() && !record.heldBy(identity) ? record.holderPod() : null;
    if (!Objects.equals(holder, followed)) {
      followed = holder;
      seen.sawHolderPod(null);
      pods.follow(holder);
    }
  }

  private void onHolderPod(Pod pod) {
    if (phase != Phase.COMPETING) {
      return;
    }
    seen.sawHolderPod(pod);
    step();
  }

  // ---- requests ----

  private void read() {
    request.send("read of lease " + lease, api::get, record -> {
      if (refusedDuplicate(record)) {
        return;
      }
      seen.saw(record);
      if (term != null && !seen.heldByMe()) {
        loseLeadership(record == null ? "the Lease was deleted"
            : "the Lease is now held by '" + record.holderIdentity() + "'");
      }
      afterRequest();
    }, error -> failed("read", error));
  }

  /** Creates, takes over or renews: whichever turns the observed record into one we hold. */
  private void write() {
    LeaseRecord current = seen.record();
    Instant now = clock.wallTime();
    int seconds = config.leaseDurationSeconds();
    HolderPod pod = config.pod();
    LeaseRecord next;
    String takeover = null;
    if (current == null) {
      next = new LeaseRecord(identity, seconds, now, now, 0, null, instance, pod);
    } else if (current.heldBy(identity)) {
      // Our own record keeps its acquireTime; a predecessor's under our identity (a restart with a
      // fixed --identity) gets a fresh one: it dates this process's acquisition (see HolderDeath).
      boolean ours = instance.equals(current.holderInstance()) && current.acquireTime() != null;
      next = new LeaseRecord(identity, seconds, ours ? current.acquireTime() : now, now, current.transitions(),
          current.resourceVersion(), instance, pod);
    } else {
      next = new LeaseRecord(identity, seconds, now, now, current.transitions() + 1, current.resourceVersion(),
          instance, pod);
      // Before the expiry, only the kubelet's report can have made the Lease takeable.
      Optional<String> terminated = seen.expired(clock.nanoTime()) ? Optional.empty() : seen.holderTerminated();
      takeover = !current.hasHolder() ? "released" : terminated.isPresent() ? "holder_terminated" : "expired";
      if (terminated.isPresent()) {
        LOG.info("taking over lease {} from {} without waiting for it to expire: {}", lease,
            current.holderIdentity(), terminated.get());
      }
    }
    String reason = takeover;
    boolean renewing = term != null;
    long sent = clock.nanoTime();
    String what = current == null ? "create" : renewing ? "renew" : "update";
    request.send(what + " of lease " + lease, () -> current == null ? api.create(next) : api.update(next), record -> {
      if (renewing) {
        metrics.renewed(clock.nanoTime() - sent);
      }
      seen.saw(record);
      if (seen.heldByMe()) {
        held(sent);
        if (reason != null && term != null) {
          metrics.tookOver(reason);
        }
      }
      afterRequest();
    }, error -> {
      if (renewing) {
        metrics.renewed(clock.nanoTime() - sent);
      }
      failed(what, error);
    });
  }

  /**
   * Two processes with one identity would both "hold" the Lease. Each write of ours names this
   * process; a record under our identity written by another process, other than the one found at
   * start (a predecessor of ours, e.g. before a container restart, which we take over), means
   * another live process uses our identity: stop competing for good, say so loudly, and fail
   * liveness, rather than lead twice.
   */
  private boolean refusedDuplicate(LeaseRecord record) {
    if (record != null && !sawAny) {
      sawAny = true;
      firstSeenVersion = record.resourceVersion();
    }
    if (duplicateIdentity != null) {
      return true;
    }
    if (record == null || !record.heldBy(identity) || record.holderInstance() == null
        || record.holderInstance().equals(instance) || Objects.equals(record.resourceVersion(), firstSeenVersion)) {
      return false;
    }
    duplicateIdentity = "another process (instance " + record.holderInstance() + ") writes lease " + lease
        + " as '" + identity + "', this replica's identity (this is instance " + instance + "): identities must be"
        + " unique per process; this replica stops competing";
    LOG.error(duplicateIdentity);
    loseLeadership("another process uses this replica's identity");
    phase = Phase.STOPPED;
    request.abandon();
    cancelWake();
    return true;
  }

  private void failed(String what, Throwable error) {
    seen.forget();
    if (phase == Phase.RELEASING && !(error instanceof LeaseConflictException)) {
      LOG.warn("could not release lease {}: {} failed: {}", lease, what, error.toString());
      finish();
      return;
    }
    if (error instanceof LeaseConflictException) {
      LOG.debug("lease {} changed under our {}; re-reading", lease, what);
    } else {
      String failure = what + " failed, retrying in " + config.retryPeriod().toMillis() + "ms: " + error;
      if (term != null) {
        LOG.warn("lease {}: {}", lease, failure); // each one brings the renew deadline closer
      } else {
        requestFailures.failed(failure); // a standby during an outage: once, then once a minute
      }
      notBeforeNanos = clock.nanoTime() + retryPeriodNanos;
    }
    afterRequest();
  }

  // ---- leading ----

  /** A write of ours that was sent at {@code sentNanos} has landed: we hold the Lease. */
  private void held(long sentNanos) {
    long validUntil = sentNanos + renewDeadlineNanos;
    long now = clock.nanoTime();
    if (phase != Phase.COMPETING || now - validUntil >= 0) {
      return; // releasing, or the answer came too late to count
    }
    lastRenewNanos = sentNanos;
    nextRenewAtNanos = now + retryPeriodNanos;
    LeaderTerm current = term;
    if (current != null && current.isValid()) {
      current.extendUntil(validUntil);
    } else {
      if (current != null) {
        loseLeadership("renew deadline passed");
        if (phase != Phase.COMPETING) {
          return;
        }
      }
      LeaderTerm won = new LeaderTerm(++termNumbers, clock, validUntil);
      term = won;
      LOG.info("became leader of lease {} (term {}) as {}", lease, won.number(), identity);
      listeners.forEach(l -> notify(l, won, true));
    }
    armDeadline(validUntil);
  }

  private void armDeadline(long atNanos) {
    cancel(deadlineTimer);
    deadlineTimer = clock.setTimer(ceilMillis(atNanos - clock.nanoTime()), () -> {
      deadlineTimer = -1;
      LeaderTerm current = term;
      if (current == null || phase != Phase.COMPETING) {
        return;
      }
      if (current.isValid()) {
        armDeadline(lastRenewNanos + renewDeadlineNanos);
        return;
      }
      loseLeadership("no successful renew within renew-deadline " + config.renewDeadline().toMillis() + "ms");
      step();
    });
  }

  private void loseLeadership(String reason) {
    LeaderTerm lost = endTerm();
    if (lost == null) {
      return;
    }
    LOG.warn("lost leadership of lease {} (term {}) as {}: {}", lease, lost.number(), identity, reason);
    listeners.forEach(l -> notify(l, lost, false));
    if (config.exitOnLostLeadership() && phase == Phase.COMPETING) {
      LOG.error("leadership of lease {} lost and exit-on-lost-leadership is set: stopping", lease);
      finish();
      exitOnLoss.run();
    }
  }

  private LeaderTerm endTerm() {
    LeaderTerm current = term;
    if (current != null) {
      current.end();
      term = null;
      cancel(deadlineTimer);
      deadlineTimer = -1;
    }
    return current;
  }

  private void notify(LeadershipListener listener, LeaderTerm t, boolean started) {
    try {
      if (started) {
        listener.startedLeading(t);
      } else {
        listener.stoppedLeading(t);
      }
    } catch (RuntimeException e) {
      LOG.error("leadership listener {} failed on {} of lease {}", listener, started ? "start" : "stop", lease, e);
    }
  }

  // ---- release ----

  /**
   * Stops competing. If this replica holds the Lease and releaseOnCancel is set, first ends the
   * term (listeners are told before anything is written), then clears the holder as client-go
   * does, so a standby takes over at once. A request in flight is let finish first, so the
   * release carries the newest resourceVersion. Completes within the renew deadline, never fails.
   * With {@code clearHolder} false (abandon), the Lease is left as it is whatever the config says.
   */
  Future<Void> release(boolean clearHolder) {
    if (released != null) {
      return released.future();
    }
    released = Promise.promise();
    Phase was = phase;
    phase = Phase.RELEASING;
    cancelWake();
    LeaderTerm ended = endTerm();
    if (ended != null) {
      LOG.info("giving up leadership of lease {} (term {}) as {}", lease, ended.number(), identity);
      listeners.forEach(l -> notify(l, ended, false));
    }
    if (!clearHolder || !config.releaseOnCancel() || was != Phase.COMPETING) {
      finish();
    } else {
      releaseTimer = clock.setTimer(config.renewDeadline().toMillis(), () -> {
        releaseTimer = -1;
        LOG.warn("gave up releasing lease {} after {}ms; standbys take over when it expires", lease,
            config.renewDeadline().toMillis());
        finish();
      });
      continueRelease();
    }
    return released.future();
  }

  private void continueRelease() {
    if (phase != Phase.RELEASING || request.busy()) {
      return;
    }
    if (!seen.known()) {
      read();
      return;
    }
    if (!seen.heldByMe()) {
      finish();
      return;
    }
    LeaseRecord current = seen.record();
    Instant now = clock.wallTime();
    LeaseRecord cleared = new LeaseRecord("", 1, now, now, current.transitions(), current.resourceVersion());
    request.send("release of lease " + lease, () -> api.update(cleared), record -> {
      seen.saw(record);
      LOG.info("released lease {}", lease);
      finish();
    }, error -> failed("release", error));
  }

  private void finish() {
    phase = Phase.STOPPED;
    request.abandon();
    cancelWake();
    cancel(deadlineTimer);
    cancel(releaseTimer);
    deadlineTimer = releaseTimer = -1;
    Promise<Void> done = released;
    // Release completes once the watches are closed too, so nothing outlives the undeploy.
    Future.join(api.close(), pods.close()).onComplete(closed -> {
      if (done != null) {
        done.tryComplete();
      }
    });
  }

  // ---- timers ----

  private void wakeAt(long atNanos) {
    cancelWake();
    wakeTimer = clock.setTimer(ceilMillis(atNanos - clock.nanoTime()), () -> {
      wakeTimer = -1;
      step();
    });
  }

  private void cancelWake() {
    cancel(wakeTimer);
    wakeTimer = -1;
  }

  private void cancel(long timer) {
    if (timer >= 0) {
      clock.cancelTimer(timer);
    }
  }

  private static long ceilMillis(long nanos) {
    return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
  }
}
