package io.pgoperator.runtime.shard;

import io.pgoperator.runtime.leader.LeaderElectionConfig;
import io.pgoperator.runtime.leader.LeaderTerm;
import io.pgoperator.runtime.logging.RetryLog;
import io.pgoperator.runtime.time.Clock;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's membership of the ring: a member Lease {@code <ring>-member-<identity>} created
 * under a fresh identity and renewed every retry period, by the rules of a leader's Lease. The
 * membership term (a {@link LeaderTerm}) is valid until the send time of the last successful
 * renew plus the renew deadline; every slot term is held within it. Once lost (the deadline
 * passed, or the Lease was reaped or deleted) the term never returns: the old Lease is cleared and
 * the next join takes a new identity, so no record naming the old one is ever taken for ours.
 * Confined to the ring's context, except {@link #term()} and {@link #unhealthyReason()}.
 */
final class MemberLease {

  private static final Logger LOG = LoggerFactory.getLogger(SlotRing.class);

  /** What the membership tells the ring, on the ring's context. */
  interface Listener {

    /** A new membership began (under a new identity). */
    void joined();

    /** The membership ended without a leave: every slot term must end now. */
    void lost();

    /** A Lease of ours as a write's answer showed it. */
    void saw(RingLease lease);

    /** Something changed: decide again. */
    void step();
  }

  private final ShardingConfig config;
  private final RingApi api;
  private final Clock clock;
  private final ShardingMetrics metrics;
  private final Supplier<String> suffixes;
  private final RequestTimeout requests;
  private final Listener ring;
  private final long renewDeadlineNanos;
  private final long retryNanos;
  private final RetryLog joinFailures;

  private String identity;
  private RingLease lease;
  private volatile LeaderTerm term;
  private volatile long lastRenewNanos;
  private long memberships;
  private long request;
  private boolean busy;
  private long nextActionNanos;
  private long joinedAtNanos;

  MemberLease(ShardingConfig config, RingApi api, Clock clock, ShardingMetrics metrics, Supplier<String> suffixes,
      RequestTimeout requests, Listener ring) {
    this.config = config;
    this.api = api;
    this.clock = clock;
    this.metrics = metrics;
    this.suffixes = suffixes;
    this.requests = requests;
    this.ring = ring;
    this.renewDeadlineNanos = config.lease().renewDeadline().toNanos();
    this.retryNanos = config.lease().retryPeriod().toNanos();
    this.joinFailures = new RetryLog(LOG, "joining ring " + config.namespace() + "/" + config.ring());
  }

  /** The current identity (also while a join is under way), or null. */
  String identity() {
    return identity;
  }

  /** The membership term, or null while not a member. Any thread. */
  LeaderTerm term() {
    return term;
  }

  /** Whether this replica is a member under a valid term. */
  boolean valid() {
    LeaderTerm current = term;
    return current != null && current.isValid();
  }

  long joinedAtNanos() {
    return joinedAtNanos;
  }

  /** Null when fine; otherwise why liveness should fail (a member that stopped renewing: a stuck loop). Any thread. */
  String unhealthyReason() {
    LeaderTerm current = term;
    if (current == null) {
      return null;
    }
    long since = clock.nanoTime() - lastRenewNanos;
    if (since <= renewDeadlineNanos + LeaderElectionConfig.LIVENESS_GRACE.toNanos()) {
      return null;
    }
    return "member " + identity + " of ring " + config.ring() + " has not renewed for " + since / 1_000_000
        + "ms: the ring's event loop looks wedged";
  }

  /**
   * Called on every step: notices a term whose deadline passed, renews when due, and joins when
   * not a member and {@code mayJoin}.
   */
  void keep(long now, boolean mayJoin) {
    LeaderTerm current = term;
    if (current != null && !current.isValid()) {
      lose("no successful renew within renew-deadline " + renewDeadlineNanos / 1_000_000 + "ms");
      return;
    }
    if (busy || now - nextActionNanos < 0) {
      return;
    }
    if (current != null) {
      renew(now); // also while leaving: handoffs may wait for reconciles
    } else if (mayJoin) {
      join(now);
    }
  }

  private void join(long now) {
    identity = config.identityPrefix() + "-" + suffixes.get();
    String name = config.memberLeaseName(identity);
    Instant wall = clock.wallTime();
    Map<String, String> annotations = new HashMap<>();
    annotations.put(RingLease.SLOTS_ANNOTATION, String.valueOf(config.slots()));
    if (config.lease().pod() != null) {
      // Where this process runs, so that the others can tell from the kubelet's report when it is gone.
      annotations.putAll(config.lease().pod().annotations());
    }
    RingLease created = new RingLease(name, identity, 0, config.leaseDurationSeconds(), wall, wall, null,
        Map.of(RingLease.RING_LABEL, config.ring(), RingLease.ROLE_LABEL, RingLease.ROLE_MEMBER), annotations);
    String joining = identity;
    call("create of member lease " + name, api.create(created), answer -> {
      if (!joining.equals(identity)) {
        return;
      }
      lease = answer;
      long validUntil = now + renewDeadlineNanos;
      if (clock.nanoTime() - validUntil >= 0) {
        identity = null; // answered too late to count; join again under a new identity
        return;
      }
      LeaderTerm joined = new LeaderTerm(++memberships, clock, validUntil);
      term = joined;
      lastRenewNanos = now;
      joinedAtNanos = clock.nanoTime();
      nextActionNanos = clock.nanoTime() + retryNanos;
      LOG.info("joined ring {}/{} as {} (membership {})", config.namespace(), config.ring(), identity,
          joined.number());
      ring.joined();
      ring.saw(answer);
    }, error -> {
      if (joining.equals(identity) && term == null) {
        identity = null; // a create that may have landed: never reuse its identity
      }
      joinFailures.failed("create of member lease " + name + " failed, retrying in " + retryNanos / 1_000_000
          + "ms: " + error);
    });
  }

  private void renew(long now) {
    RingLease next = lease.renewed(clock.wallTime());
    LeaderTerm renewing = term;
    call("renew of member lease " + next.name(), api.update(next), renewed -> {
      if (term != renewing || !renewing.isValid()) {
        return;
      }
      lease = renewed;
      long validUntil = now + renewDeadlineNanos;
      if (clock.nanoTime() - validUntil < 0) {
        renewing.extendUntil(validUntil);
        lastRenewNanos = now;
      }
      nextActionNanos = clock.nanoTime() + retryNanos;
      ring.saw(renewed);
    }, error -> {
      if (term != renewing) {
        return;
      }
      if (error instanceof RingConflictException) {
        // Our own earlier renew may have landed unanswered; otherwise someone reaped or deleted us.
        busy = true;
        long id = ++request;
        api.get(next.name()).onComplete(read -> {
          if (request != id || term != renewing) {
            return;
          }
          busy = false;
          if (read.succeeded() && read.result() != null && identity.equals(read.result().holder())) {
            lease = read.result();
            nextActionNanos = clock.nanoTime();
          } else if (read.succeeded()) {
            lose(read.result() == null ? "its member Lease was deleted" : "its member Lease was reaped");
          } else {
            nextActionNanos = clock.nanoTime() + retryNanos;
          }
          ring.step();
        });
      } else {
        LOG.warn("ring {}: renew of member lease {} failed, retrying in {}ms: {}", config.ring(), next.name(),
            retryNanos / 1_000_000, error.toString());
      }
    });
  }

  /** One request at a time, abandoned after the request timeout; failures back off a retry period. */
  private void call(String what, Future<RingLease> call, Consumer<RingLease> onSuccess,
      Consumer<Throwable> onFailure) {
    busy = true;
    long id = ++request;
    requests.bound(what, call).onComplete(result -> {
      if (request != id) {
        return;
      }
      busy = false;
      if (result.succeeded()) {
        onSuccess.accept(result.result());
      } else {
        nextActionNanos = clock.nanoTime() + retryNanos;
        onFailure.accept(result.cause());
      }
      ring.step();
    });
  }

  /** Ends the membership (its term first), tells the ring, clears the old Lease; rejoins later as someone new. */
  void lose(String reason) {
    LeaderTerm lost = term;
    String oldIdentity = identity;
    RingLease oldLease = lease;
    term = null;
    identity = null;
    lease = null;
    busy = false;
    request++;
    if (lost != null) {
      lost.end();
      LOG.warn("lost membership of ring {} as {} (membership {}): {}; rejoining under a new identity",
          config.ring(), oldIdentity, lost.number(), reason);
      metrics.membershipLost();
    }
    ring.lost();
    nextActionNanos = clock.nanoTime() + retryNanos;
    if (oldLease != null) {
      // Clear our old member Lease, so that the slots naming it are free at once (our terms ended).
      clearOwn(oldLease)
          .onFailure(error -> LOG.debug("clearing old member lease {} failed: {}", oldLease.name(), error.toString()));
    }
  }

  /**
   * Marks the member Lease as leaving, so that the others leave this member out of their
   * assignment while its slots are handed off; once more from a fresh read after a conflict (a
   * renew crossed it). Never fails.
   */
  Future<Void> markLeaving() {
    return lease == null ? Future.succeededFuture() : markLeaving(lease, true);
  }

  private Future<Void> markLeaving(RingLease own, boolean retry) {
    return requests.bound("mark of member lease " + own.name() + " as leaving", api.update(own.markedLeaving()))
        .<Void>map(updated -> {
          lease = updated;
          return null;
        })
        .recover(error -> {
          if (retry && error instanceof RingConflictException) {
            return api.get(own.name()).compose(fresh -> fresh != null && fresh.holder().equals(own.holder())
                ? markLeaving(fresh, false) : Future.succeededFuture());
          }
          LOG.warn("ring {}: could not mark member lease {} as leaving ({}); handing off anyway", config.ring(),
              own.name(), error.toString());
          return Future.succeededFuture();
        });
  }

  /** Ends the term, then clears and deletes the member Lease (the slots are handed off already). Never fails. */
  Future<Void> release() {
    RingLease own = lease;
    end();
    if (own == null) {
      return Future.succeededFuture();
    }
    return requests.bound("release of member lease " + own.name(), clearOwn(own))
        .compose(cleared -> api.delete(cleared.name(), cleared.resourceVersion()))
        .transform(done -> {
          if (done.failed()) {
            LOG.warn("ring {}: could not clear member lease {} ({}); the others reap it when it expires",
                config.ring(), own.name(), done.cause().toString());
          } else {
            LOG.info("left ring {}/{} as {}", config.namespace(), config.ring(), own.holder());
          }
          return Future.succeededFuture();
        });
  }

  /** Ends the term and drops any answer still to come, writing nothing. */
  void end() {
    LeaderTerm current = term;
    term = null;
    request++;
    if (current != null) {
      current.end();
    }
  }

  /**
   * Clears a member Lease of ours (our terms have ended). A conflict is usually our own renew that
   * landed unanswered: clear at the version read, if the Lease still names us.
   */
  private Future<RingLease> clearOwn(RingLease own) {
    Instant wall = clock.wallTime();
    return api.update(own.heldBy("", own.transitions(), own.durationSeconds(), wall)).recover(error -> {
      if (!(error instanceof RingConflictException)) {
        return Future.failedFuture(error);
      }
      return api.get(own.name()).compose(read -> read != null && own.holder().equals(read.holder())
          ? api.update(read.heldBy("", read.transitions(), read.durationSeconds(), wall))
          : Future.failedFuture(error));
    });
  }
}
