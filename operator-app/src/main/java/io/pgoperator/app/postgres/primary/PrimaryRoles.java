package io.pgoperator.app.postgres.primary;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pgoperator.api.v1alpha1.FailoverSpec;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterStatus;
import io.pgoperator.api.v1alpha1.PrimaryChange;
import io.pgoperator.app.postgres.EventRecorder;
import io.pgoperator.app.postgres.children.ChildMeta;
import io.pgoperator.app.postgres.children.ChildNames;
import io.pgoperator.app.postgres.replication.InstanceClient;
import io.pgoperator.app.postgres.replication.InstanceCredentials;
import io.pgoperator.app.postgres.replication.InstanceState;
import io.pgoperator.runtime.kube.KubeCalls;
import io.pgoperator.runtime.time.Clock;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one instance of a cluster primary, and moves the role when the primary is lost
 * (failover) or on request (switchover). Every step is idempotent and driven by the record in
 * the cluster's status ({@link PrimaryRecord}), written before anything is done, so the leading
 * operator replica can fail over itself at any point and the next one resumes the change. A move:
 * <ol>
 *   <li>decide: the target and a new epoch go into the status (a conflict there means someone
 *       else decided first; the reconcile starts over);
 *   <li>fence the old primary: the -state ConfigMap names the target with the new epoch (an
 *       instance that is not the recorded primary never starts as one, and a running one that
 *       learns of the newer epoch shuts itself down), its role label goes, so the -rw Service
 *       selects nobody; if it still answers as a primary its pod is deleted (a fast shutdown,
 *       which also hands the standbys the last of its WAL), and the move waits until it is gone;
 *   <li>promote the target ({@code pg_promote}, a new timeline);
 *   <li>label it primary: the -rw Service selects it; record it as current.
 * </ol>
 * The other standbys follow by themselves: they stream from the -rw Service (the new timeline's
 * history comes with it), through replication slots the replication observer makes on the new
 * primary. The returning old primary rejoins as a standby (pg_rewind in its instance script).
 */
public final class PrimaryRoles {

  public static final String REASON_FAILOVER = "Failover";
  public static final String REASON_FAILOVER_BLOCKED = "FailoverBlocked";
  public static final String REASON_SWITCHOVER = "Switchover";
  public static final String REASON_SWITCHOVER_REFUSED = "SwitchoverRefused";
  public static final String REASON_PROMOTED = "Promoted";
  public static final String REASON_FENCED = "PrimaryFenced";
  public static final String REASON_ROLLING_UPDATE = "RollingUpdate";
  public static final String REASON_ADOPTED = "PrimaryAdopted";

  /** How soon a move under way looks again while it waits (an old primary stopping, a promotion). */
  static final Duration STEP_RETRY = Duration.ofMillis(500);
  /** How soon a cluster not known to exist looks again while its containers run but no server answers. */
  static final Duration INITIALISING_RECHECK = Duration.ofSeconds(5);
  /** How soon a refused switchover looks again when only time can fix it (a standby catching up). */
  static final Duration SWITCHOVER_RETRY = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(PrimaryRoles.class);

  /** Writes a cluster's status (through the status subresource), returning the stored cluster. */
  @FunctionalInterface
  public interface StatusWriter {
    Future<PostgresCluster> write(PostgresCluster cluster, PostgresClusterStatus status);
  }

  /** Makes the -state ConfigMap name the record's target with its epoch. */
  @FunctionalInterface
  public interface StateWriter {
    Future<Void> write(PostgresCluster cluster, PrimaryRecord record);
  }

  /** What a pass found out, for the status. */
  public record Outcome(PostgresCluster cluster, PrimaryRecord record, Availability availability,
      Optional<String> switchoverRefusal, Optional<Duration> requeue) {
  }

  /** The PrimaryAvailable condition's content. */
  public record Availability(boolean available, String reason, String message) {
  }

  private final RoleWrites writes;
  private final InstanceClient instances;
  private final EventRecorder events;
  private final Clock clock;
  private final PrimaryMetrics metrics;
  /** Since when each cluster's primary has been seen lost, by namespace/name: the failover delay counts from here. */
  private final Map<String, Instant> lostSince = new ConcurrentHashMap<>();
  /** Since when each cluster's failover target could not be promoted, by namespace/name. */
  private final Map<String, Instant> targetLostSince = new ConcurrentHashMap<>();
  /** The most WAL each cluster's primary was seen to have flushed: what a promoted standby may lack only so much of. */
  private final Map<String, Long> primaryPositions = new ConcurrentHashMap<>();

  public PrimaryRoles(KubeCalls calls, InstanceClient instances, EventRecorder events, Clock clock,
      PrimaryMetrics metrics) {
    this.writes = new RoleWrites(calls);
    this.instances = instances;
    this.events = events;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** What the replication observer read from the primary: the bar a failover candidate is held to. */
  public void primaryPosition(PostgresCluster cluster, long walPosition) {
    primaryPositions.merge(key(cluster), walPosition, Math::max);
  }

  /** The cluster is gone: forget what was kept of it. */
  public void forget(String namespace, String name) {
    lostSince.remove(namespace + "/" + name);
    targetLostSince.remove(namespace + "/" + name);
    primaryPositions.remove(namespace + "/" + name);
  }

  /**
   * One pass over a cluster's primary role.
   *
   * @param statefulSet the cluster's StatefulSet as cached or just written (its size, its update revision)
   * @param initialised whether the database exists (before, there is nothing to fail over)
   * @param credentials how to log in to the instances; null while the Secrets are not cached yet
   */
  public Future<Outcome> reconcile(PostgresCluster cluster, StatefulSet statefulSet, boolean initialised,
      InstancePods pods, InstanceCredentials credentials, StatusWriter statusWriter, StateWriter stateWriter) {
    Pass pass = new Pass(cluster, statefulSet, pods, credentials, statusWriter, stateWriter);
    Availability initialising = new Availability(false, "Initialising", "waiting for " + pass.record.current()
        + " to initialise the database");
    if (credentials == null || pass.instances == 0) {
      // The same words as the passes that follow, so a new cluster's status settles at once.
      return Future.succeededFuture(pass.outcome(initialised
          ? new Availability(false, "Pending", "the operator cannot log in to the instances yet") : initialising));
    }
    if (pass.record.changing()) {
      return move(pass);
    }
    if (initialised) {
      return steady(pass);
    }
    // Not known to exist: a new cluster, or one re-created over the volumes of an earlier one (its
    // record lost with it), whose instances answer although none may be Ready.
    return anyInstanceAnswers(pass).compose(exists -> {
      if (exists) {
        return steady(pass);
      }
      if (pass.pods.all().stream().anyMatch(InstancePods::running)) {
        // Containers run but no server answers yet: nothing else may wake this cluster up.
        pass.requeue(INITIALISING_RECHECK);
      }
      return labelRoles(pass).map(v -> pass.outcome(pass.pods.serving(pass.record.current())
          ? new Availability(true, "Serving", pass.record.current() + " accepts writes") : initialising));
    });
  }

  private Future<Outcome> steady(Pass pass) {
    return labelRoles(pass)
        .compose(v -> switchoverRequest(pass))
        .compose(requested -> requested ? move(pass) : failoverCheck(pass));
  }

  /**
   * Whether any instance whose container runs answers the operator: then a database exists,
   * whatever the record says. An instance initialising answers only once initdb is done (it
   * listens on its socket alone until then).
   */
  private Future<Boolean> anyInstanceAnswers(Pass pass) {
    List<Future<Boolean>> asked = new ArrayList<>();
    for (Pod pod : pass.pods.all()) {
      if (!InstancePods.deleting(pod) && InstancePods.running(pod)) {
        asked.add(instances.state(pass.cluster, pod.getMetadata().getName(), pass.credentials)
            .map(true).otherwise(false));
      }
    }
    return Future.join(asked).map(v -> asked.stream().anyMatch(f -> Boolean.TRUE.equals(f.result())));
  }

  // --- steady state: labels that match the record ---

  /**
   * Each Ready instance gets the label of its role, checked with the instance itself first: the
   * recorded primary when it accepts writes, the others when in recovery. An instance that runs
   * as a primary without being the recorded one is handled by {@link #rogue}; a primary label on
   * an instance that is not the recorded primary and does not answer is removed.
   */
  private Future<Void> labelRoles(Pass pass) {
    Future<Void> done = Future.succeededFuture();
    for (Pod pod : pass.pods.all()) {
      String name = pod.getMetadata().getName();
      boolean primary = name.equals(pass.record.current());
      String want = primary ? ChildMeta.ROLE_PRIMARY : ChildMeta.ROLE_REPLICA;
      String have = InstancePods.role(pod);
      boolean labelledPrimary = ChildMeta.ROLE_PRIMARY.equals(have);
      if (want.equals(have) || InstancePods.deleting(pod) || !labelledPrimary && !InstancePods.ready(pod)) {
        continue;
      }
      done = done.compose(v -> instances.state(pass.cluster, name, pass.credentials)
          .compose(state -> {
            if (primary && !state.inRecovery() || !primary && state.inRecovery()) {
              return label(pass, pod, want);
            }
            if (primary) {
              // The recorded primary in recovery (its record lost with a re-created cluster object?):
              // nothing is promoted here; with no primary serving, the failover path picks the best.
              log.info("PostgresCluster {}: the recorded primary {} is in recovery", key(pass.cluster), name);
              return Future.<Void>succeededFuture();
            }
            return rogue(pass, pod);
          })
          .recover(error -> {
            log.debug("PostgresCluster {}: {} not labelled yet: {}", key(pass.cluster), name, error.toString());
            // Labelled primary, not the recorded one, not answering: nothing may route to it.
            return labelledPrimary ? unlabel(pass, pod) : Future.<Void>succeededFuture();
          }));
    }
    return done;
  }

  /**
   * An instance running as a primary that is not the recorded one. When the recorded primary is
   * one too, the other is an old primary that has not learnt of the newer epoch: its pod goes (it
   * restarts and rejoins as a standby). When the recorded primary is not (in recovery, or not
   * answering), the record is what is wrong (a cluster object re-created over its volumes has
   * lost it): the running primary is recorded, under a new epoch, and nothing is deleted.
   */
  private Future<Void> rogue(Pass pass, Pod pod) {
    String name = pod.getMetadata().getName();
    return instances.state(pass.cluster, pass.record.current(), pass.credentials)
        .map(state -> !state.inRecovery())
        .otherwise(false)
        .compose(recordedIsPrimary -> {
          if (recordedIsPrimary) {
            return fence(pass, pod, name + " runs as a primary, but " + pass.record.current() + " is the primary (epoch "
                + pass.record.epoch() + "): deleting its pod so it restarts as a standby");
          }
          PrimaryRecord adopted = new PrimaryRecord(name, name, pass.record.epoch() + 1);
          PostgresClusterStatus status = copy(pass.cluster.getStatus());
          adopted.writeTo(status);
          String why = "the status named " + pass.record.current() + " the primary, but it is not one, and " + name
              + " runs as the primary: recording " + name + " (epoch " + adopted.epoch() + ")";
          return pass.statusWriter.write(pass.cluster, status)
              .compose(written -> {
                pass.cluster = written;
                pass.record = adopted;
                log.warn("PostgresCluster {}: {}", key(written), why);
                return events.warning(written, REASON_ADOPTED, why);
              })
              .compose(v -> pass.stateWriter.write(pass.cluster, adopted))
              .compose(v -> label(pass, pod, ChildMeta.ROLE_PRIMARY));
        });
  }

  // --- switchover on request ---

  /** True when a requested switchover was decided (the move follows in this pass). */
  private Future<Boolean> switchoverRequest(Pass pass) {
    String target = requestedTarget(pass.cluster);
    if (target == null) {
      return Future.succeededFuture(false);
    }
    if (target.equals(pass.record.current())) {
      return removeRequest(pass).map(false);
    }
    String refusal = switchoverPrecheck(pass, target);
    if (refusal != null) {
      return refuse(pass, target, refusal, false).map(false);
    }
    return switchoverCheck(pass, target)
        .compose(why -> why != null
            ? refuse(pass, target, why, true).map(false)
            : decide(pass, PrimaryChange.SWITCHOVER, target, "requested by the "
                + PostgresCluster.TARGET_PRIMARY_ANNOTATION + " annotation").map(true));
  }

  /**
   * Null when {@code target} may take over without losing a commit: a copy of this database, in
   * recovery, within maxStandbyLag of the primary (whose fast shutdown then hands it the rest);
   * otherwise why not.
   */
  private Future<String> switchoverCheck(Pass pass, String target) {
    return instances.state(pass.cluster, pass.record.current(), pass.credentials)
        .compose(primary -> instances.state(pass.cluster, target, pass.credentials)
            .map(standby -> {
              long lag = primary.walPosition() - standby.walPosition();
              long allowed = FailoverSettings.maxStandbyLagBytes(pass.cluster);
              if (!standby.inRecovery()) {
                return target + " is not in recovery";
              }
              if (!primary.systemIdentifier().equals(standby.systemIdentifier())) {
                return target + " is not a copy of this database";
              }
              if (lag > allowed) {
                return target + " is " + lag + " bytes behind the primary, more than maxStandbyLag (" + allowed
                    + "); waiting for it to catch up";
              }
              return (String) null;
            }))
        .recover(error -> Future.succeededFuture("could not ask the instances: " + error.getMessage()));
  }

  private String switchoverPrecheck(Pass pass, String target) {
    String name = pass.cluster.getMetadata().getName();
    int ordinal = ChildNames.ordinal(name, target);
    if (ordinal < 0 || ordinal >= pass.instances) {
      return target + " is not an instance of this cluster (" + ChildNames.pod(name, 0) + " to "
          + ChildNames.pod(name, pass.instances - 1) + ")";
    }
    if (!pass.pods.serving(target)) {
      return target + " is not Ready";
    }
    if (!ChildMeta.ROLE_REPLICA.equals(pass.pods.get(target).map(InstancePods::role).orElse(null))) {
      return target + " has not been seen streaming as a standby yet";
    }
    if (!pass.pods.serving(pass.record.current())) {
      return "the primary " + pass.record.current() + " is not Ready: a failover, not a switchover, replaces it";
    }
    return null;
  }

  private Future<Void> refuse(Pass pass, String target, String why, boolean retry) {
    String message = "Switchover to " + target + " refused: " + why;
    pass.switchoverRefusal = message;
    if (retry) {
      pass.requeue(SWITCHOVER_RETRY);
    }
    return events.warning(pass.cluster, REASON_SWITCHOVER_REFUSED, message);
  }

  // --- failover ---

  private Future<Outcome> failoverCheck(Pass pass) {
    String current = pass.record.current();
    String key = key(pass.cluster);
    if (pass.pods.serving(current)) {
      lostSince.remove(key);
      return rollingUpdate(pass);
    }
    Instant now = clock.wallTime();
    // From when the kubelet reported it (the Ready condition's transition, in whole seconds: the
    // latest instant that second allows, so never early), or else first seen here.
    Instant seen = lostSince.computeIfAbsent(key, k -> now);
    Instant since = pass.pods.get(current).flatMap(InstancePods::notReadySince)
        .map(reported -> reported.plusSeconds(1))
        .filter(reported -> reported.isBefore(seen)).orElse(seen);
    lostSince.put(key, since);
    // Stable wording (no running durations): an unchanged truth must compute an unchanged status.
    String lost = current + (pass.pods.get(current).isEmpty() ? " has no pod"
        : pass.pods.get(current).filter(InstancePods::deleting).isPresent() ? "'s pod is being deleted"
        : " is not Ready") + " (since " + timestamp(since) + ")";
    FailoverSpec spec = pass.cluster.getSpec().getFailover();
    if (pass.instances <= 1) {
      return Future.succeededFuture(pass.outcome(new Availability(false, "PrimaryNotReady",
          lost + "; a single instance has no standby to fail over to")));
    }
    if (spec != null && Boolean.FALSE.equals(spec.getEnabled())) {
      return Future.succeededFuture(pass.outcome(new Availability(false, "PrimaryNotReady",
          lost + "; failover is disabled (spec.failover.enabled)")));
    }
    Duration remaining = FailoverSettings.failoverDelay(pass.cluster).minus(Duration.between(since, now));
    if (remaining.compareTo(Duration.ZERO) > 0) {
      pass.requeue(remaining);
      return Future.succeededFuture(pass.outcome(new Availability(false, "PrimaryNotReady",
          lost + "; failing over at " + timestamp(since.plus(FailoverSettings.failoverDelay(pass.cluster))) + " unless it returns")));
    }
    return instances.state(pass.cluster, current, pass.credentials)
        .map(Candidates.Answer::of)
        .otherwise(error -> Candidates.Answer.failed(error.getMessage()))
        .compose(own -> {
          if (own.state() != null && !own.state().inRecovery()) {
            pass.requeue(FailoverSettings.failoverDelay(pass.cluster));
            return Future.succeededFuture(pass.outcome(new Availability(false, "PrimaryNotReady",
                lost + ", but it answers the operator as a primary: no failover while it does")));
          }
          return candidates(pass).compose(answers -> {
            if (own.state() != null) {
              // The recorded primary in recovery competes like any standby.
              answers.put(current, own);
            }
            return chooseAndMove(pass, lost, answers);
          });
        });
  }

  private Future<Map<String, Candidates.Answer>> candidates(Pass pass) {
    String name = pass.cluster.getMetadata().getName();
    Map<String, Candidates.Answer> answers = new LinkedHashMap<>();
    List<Future<?>> asked = new ArrayList<>();
    for (int ordinal = 0; ordinal < pass.instances; ordinal++) {
      String pod = ChildNames.pod(name, ordinal);
      Optional<Pod> cached = pass.pods.get(pod);
      if (pod.equals(pass.record.current()) || cached.isEmpty() || InstancePods.deleting(cached.get())) {
        continue;
      }
      answers.put(pod, Candidates.Answer.failed("not asked yet"));
      asked.add(instances.state(pass.cluster, pod, pass.credentials)
          .onSuccess(state -> answers.put(pod, Candidates.Answer.of(state)))
          .onFailure(error -> answers.put(pod, Candidates.Answer.failed(error.getMessage()))));
    }
    return Future.join(asked).transform(ignored -> Future.succeededFuture(answers));
  }

  private Future<Outcome> chooseAndMove(Pass pass, String lost, Map<String, Candidates.Answer> answers) {
    String systemIdentifier = pass.cluster.getStatus() == null ? null : pass.cluster.getStatus().getSystemIdentifier();
    Candidates.Choice choice = Candidates.choose(pass.cluster.getMetadata().getName(), answers, systemIdentifier,
        primaryPositions.getOrDefault(key(pass.cluster), 0L), FailoverSettings.failoverMaximumLagBytes(pass.cluster));
    if (choice instanceof Candidates.NoCandidate none) {
      metrics.blocked();
      pass.requeue(FailoverSettings.failoverDelay(pass.cluster));
      String message = lost + "; no failover: " + none.why();
      return events.warning(pass.cluster, REASON_FAILOVER_BLOCKED, message)
          .map(v -> pass.outcome(new Availability(false, REASON_FAILOVER_BLOCKED, message)));
    }
    Candidates.Promote promote = (Candidates.Promote) choice;
    String why = lost + "; " + promote.pod() + " holds the most WAL"
        + (promote.lagBytes() > 0 ? " (" + promote.lagBytes() + " bytes short of the primary's last known position)" : "");
    return decide(pass, PrimaryChange.FAILOVER, promote.pod(), why).compose(v -> move(pass));
  }

  // --- rolling update: standbys first, the primary by a switchover ---

  private Future<Outcome> rollingUpdate(Pass pass) {
    Availability serving = new Availability(true, "Serving", pass.record.current() + " accepts writes");
    Optional<RollingUpdate.Step> step = RollingUpdate.next(pass.statefulSet, pass.pods, pass.record);
    if (step.isEmpty()) {
      return Future.succeededFuture(pass.outcome(serving));
    }
    if (step.get() instanceof RollingUpdate.RestartStandby restart) {
      return restart(pass, restart.pod(), "Rolling update: restarting standby " + restart.pod().getMetadata().getName()
          + " onto revision " + restart.revision() + " (standbys first, one at a time, the primary last by a switchover)")
          .map(v -> pass.outcome(serving));
    }
    if (step.get() instanceof RollingUpdate.RestartPrimary restart) {
      return restart(pass, restart.pod(), "Rolling update: restarting " + restart.pod().getMetadata().getName()
          + " onto revision " + restart.revision() + "; a single instance has no standby to switch over to, so"
          + " writes pause until it is back")
          .map(v -> pass.outcome(new Availability(false, "RollingUpdate", pass.record.current() + " restarts onto revision "
              + restart.revision())));
    }
    RollingUpdate.SwitchOver switchOver = (RollingUpdate.SwitchOver) step.get();
    return switchoverCheck(pass, switchOver.target())
        .compose(why -> {
          if (why != null) {
            log.info("PostgresCluster {}: rolling update waits to switch over to {}: {}", key(pass.cluster),
                switchOver.target(), why);
            pass.requeue(SWITCHOVER_RETRY);
            return Future.succeededFuture(pass.outcome(serving));
          }
          return decide(pass, PrimaryChange.SWITCHOVER, switchOver.target(), "rolling update onto revision "
              + switchOver.revision() + ": every standby is updated, the primary goes last").compose(v -> move(pass));
        });
  }

  // --- a move: decide, fence, promote, label ---

  /** Records the move (target, next epoch) in the status before anything acts on it. */
  private Future<Void> decide(Pass pass, String reason, String target, String why) {
    PrimaryRecord next = pass.record.moveTo(target);
    PostgresClusterStatus status = copy(pass.cluster.getStatus());
    next.writeTo(status);
    status.setLastPrimaryChange(new PrimaryChange(reason, pass.record.current(), target, next.epoch(),
        timestamp(clock.wallTime()), null));
    return pass.statusWriter.write(pass.cluster, status)
        .compose(written -> {
          pass.cluster = written;
          pass.record = next;
          String what = target.equals(next.current())
              ? reason + ": promoting " + target + ", the recorded primary, found in recovery"
              : reason + " from " + next.current() + " to " + target;
          log.info("PostgresCluster {}: {} (epoch {}): {}", key(written), what, next.epoch(), why);
          return events.normal(written, reason, what + " (epoch " + next.epoch() + "): " + why);
        });
  }

  private Future<Outcome> move(Pass pass) {
    PrimaryRecord record = pass.record;
    String old = record.current();
    String target = record.target();
    String reason = reason(pass.cluster);
    return pass.stateWriter.write(pass.cluster, record)
        .compose(v -> pass.pods.get(old)
            .filter(pod -> ChildMeta.ROLE_PRIMARY.equals(InstancePods.role(pod)) && !InstancePods.deleting(pod))
            .map(pod -> unlabel(pass, pod))
            .orElse(Future.succeededFuture()))
        .compose(v -> oldPrimaryStopped(pass, old, target))
        .compose(stopped -> {
          if (!stopped) {
            pass.requeue(STEP_RETRY);
            return Future.succeededFuture(pass.outcome(new Availability(false, reason,
                reason + " to " + target + ": waiting for " + old + " to stop")));
          }
          return promote(pass, reason);
        });
  }

  /**
   * Whether the old primary can no longer accept writes: its pod is gone or replaced, or it does
   * not answer as a primary. One that still answers as a primary has its pod deleted here.
   */
  private Future<Boolean> oldPrimaryStopped(Pass pass, String old, String target) {
    Optional<Pod> pod = pass.pods.get(old);
    if (pod.isEmpty()) {
      return Future.succeededFuture(true);
    }
    if (InstancePods.deleting(pod.get())) {
      return Future.succeededFuture(false);
    }
    return instances.state(pass.cluster, old, pass.credentials)
        .map(state -> !state.inRecovery())
        .otherwise(false)
        .compose(primary -> !primary ? Future.succeededFuture(true)
            : fence(pass, pod.get(), "stopping " + old + " so that " + target + " can be promoted with all of its WAL"
                + " (epoch " + pass.record.epoch() + ")").map(false));
  }

  private Future<Outcome> promote(Pass pass, String reason) {
    String target = pass.record.target();
    Optional<Pod> pod = pass.pods.get(target);
    if (pod.isEmpty() || InstancePods.deleting(pod.get())) {
      return targetLost(pass, reason, "its pod is not there");
    }
    return instances.promote(pass.cluster, target, pass.credentials)
        .compose(promotedNow -> instances.state(pass.cluster, target, pass.credentials))
        .compose(state -> label(pass, pod.get(), ChildMeta.ROLE_PRIMARY).map(state))
        .compose(state -> complete(pass, reason, state))
        .recover(error -> targetLost(pass, reason, "promoting it failed: " + error.getMessage()));
  }

  /**
   * The target cannot be promoted now. A switchover waits for it (the old primary is stopped, so
   * the move must end somewhere; the user's request can be changed). A failover waits up to
   * spec.failover.delay, then chooses again among the other standbys, under a new epoch: a
   * target that was promoted meanwhile but never labelled took no writes, and is fenced as any
   * other primary that is not the recorded one.
   */
  private Future<Outcome> targetLost(Pass pass, String reason, String why) {
    String target = pass.record.target();
    String message = reason + " to " + target + ": " + why;
    log.warn("PostgresCluster {}: {}", key(pass.cluster), message);
    Instant now = clock.wallTime();
    Instant since = targetLostSince.computeIfAbsent(key(pass.cluster), k -> now);
    Duration delay = FailoverSettings.failoverDelay(pass.cluster);
    if (!PrimaryChange.FAILOVER.equals(reason) || Duration.between(since, now).compareTo(delay) < 0) {
      pass.requeue(STEP_RETRY);
      return Future.succeededFuture(pass.outcome(new Availability(false, reason, message + "; retrying")));
    }
    return candidates(pass).compose(answers -> {
      answers.remove(target);
      targetLostSince.remove(key(pass.cluster));
      return chooseAndMove(pass, pass.record.current() + " is lost and the standby chosen to replace it, " + target
          + ", is too (" + why + ")", answers);
    });
  }

  private Future<Outcome> complete(Pass pass, String reason, InstanceState state) {
    Instant now = clock.wallTime();
    PrimaryRecord done = pass.record.completed();
    PostgresClusterStatus status = copy(pass.cluster.getStatus());
    done.writeTo(status);
    status.setTimeline(state.timeline());
    PrimaryChange change = status.getLastPrimaryChange() == null ? new PrimaryChange() : status.getLastPrimaryChange();
    change = new PrimaryChange(reason, change.getFrom(), done.current(), done.epoch(), change.getStartedAt(),
        timestamp(now));
    status.setLastPrimaryChange(change);
    Instant began = PrimaryChange.FAILOVER.equals(reason)
        ? lostSince.getOrDefault(key(pass.cluster), parse(change.getStartedAt(), now))
        : parse(change.getStartedAt(), now);
    Duration unavailable = Duration.between(began, now);
    String from = change.getFrom();
    return pass.statusWriter.write(pass.cluster, status)
        .compose(written -> {
          pass.cluster = written;
          pass.record = done;
          lostSince.remove(key(written));
          targetLostSince.remove(key(written));
          primaryPositions.remove(key(written));
          metrics.completed(reason, unavailable);
          log.info("PostgresCluster {}: {} is the primary (timeline {}, epoch {}) after a {} from {}; writes were"
              + " unavailable for {}", key(written), done.current(), state.timeline(), done.epoch(),
              reason.toLowerCase(), from, seconds(unavailable));
          return events.normal(written, REASON_PROMOTED, done.current() + " is the primary (timeline "
              + state.timeline() + ", epoch " + done.epoch() + ") after a " + reason.toLowerCase() + " from " + from
              + "; writes were unavailable for " + seconds(unavailable) + ". " + from
              + " rejoins as a standby when it returns");
        })
        .compose(v -> done.current().equals(requestedTarget(pass.cluster)) ? removeRequest(pass) : Future.succeededFuture())
        .map(v -> pass.outcome(new Availability(true, "Serving", done.current() + " accepts writes")));
  }

  // --- writes, with what they say ---

  private Future<Void> label(Pass pass, Pod pod, String role) {
    return writes.label(pod, role)
        .onSuccess(v -> log.info("PostgresCluster {}: labelled {} {}", key(pass.cluster), pod.getMetadata().getName(), role));
  }

  private Future<Void> unlabel(Pass pass, Pod pod) {
    return writes.unlabel(pod)
        .onSuccess(v -> log.info("PostgresCluster {}: removed the role label of {}: no Service selects it",
            key(pass.cluster), pod.getMetadata().getName()));
  }

  /** Deletes a pod that must not run as a primary. */
  private Future<Void> fence(Pass pass, Pod pod, String why) {
    return writes.delete(pod)
        .compose(deleted -> events.normal(pass.cluster, REASON_FENCED, why))
        .onSuccess(v -> log.info("PostgresCluster {}: {}", key(pass.cluster), why));
  }

  private Future<Void> restart(Pass pass, Pod pod, String why) {
    return writes.delete(pod)
        .compose(deleted -> events.normal(pass.cluster, REASON_ROLLING_UPDATE, why))
        .onSuccess(v -> log.info("PostgresCluster {}: {}", key(pass.cluster), why));
  }

  private Future<Void> removeRequest(Pass pass) {
    return writes.removeSwitchoverRequest(pass.cluster)
        .onSuccess(written -> pass.cluster = withMetadata(pass.cluster, written))
        .mapEmpty();
  }

  // --- helpers ---

  private static String requestedTarget(PostgresCluster cluster) {
    Map<String, String> annotations = cluster.getMetadata().getAnnotations();
    String target = annotations == null ? null : annotations.get(PostgresCluster.TARGET_PRIMARY_ANNOTATION);
    return target == null || target.isBlank() ? null : target.strip();
  }

  private static String reason(PostgresCluster cluster) {
    PrimaryChange change = cluster.getStatus() == null ? null : cluster.getStatus().getLastPrimaryChange();
    return change == null || change.getReason() == null ? PrimaryChange.FAILOVER : change.getReason();
  }

  /** The cluster with the metadata the server returned (its resourceVersion) and the status kept. */
  private static PostgresCluster withMetadata(PostgresCluster cluster, PostgresCluster written) {
    PostgresCluster merged = new PostgresCluster();
    merged.setMetadata(new ObjectMetaBuilder(written.getMetadata()).build());
    merged.setSpec(cluster.getSpec());
    merged.setStatus(cluster.getStatus());
    return merged;
  }

  static PostgresClusterStatus copy(PostgresClusterStatus status) {
    return status == null ? new PostgresClusterStatus() : new PostgresClusterStatus(status);
  }

  private static String key(PostgresCluster cluster) {
    return cluster.getMetadata().getNamespace() + "/" + cluster.getMetadata().getName();
  }

  static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  private static Instant parse(String time, Instant fallback) {
    try {
      return time == null ? fallback : Instant.parse(time);
    } catch (RuntimeException e) {
      return fallback;
    }
  }

  private static String seconds(Duration duration) {
    return String.format(java.util.Locale.ROOT, "%.1fs", Math.max(0, duration.toMillis()) / 1000.0);
  }

  /** One pass's working state. */
  private static final class Pass {
    PostgresCluster cluster;
    PrimaryRecord record;
    final StatefulSet statefulSet;
    final int instances;
    final InstancePods pods;
    final InstanceCredentials credentials;
    final StatusWriter statusWriter;
    final StateWriter stateWriter;
    String switchoverRefusal;
    Duration requeue;

    Pass(PostgresCluster cluster, StatefulSet statefulSet, InstancePods pods, InstanceCredentials credentials,
        StatusWriter statusWriter, StateWriter stateWriter) {
      this.cluster = cluster;
      this.record = PrimaryRecord.of(cluster);
      this.statefulSet = statefulSet;
      this.instances = statefulSet == null || statefulSet.getSpec().getReplicas() == null ? 0
          : statefulSet.getSpec().getReplicas();
      this.pods = pods;
      this.credentials = credentials;
      this.statusWriter = statusWriter;
      this.stateWriter = stateWriter;
    }

    void requeue(Duration after) {
      if (requeue == null || after.compareTo(requeue) < 0) {
        requeue = after;
      }
    }

    Outcome outcome(Availability availability) {
      return new Outcome(cluster, record, availability, Optional.ofNullable(switchoverRefusal),
          Optional.ofNullable(requeue));
    }
  }
}
