package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterStatus;
import io.pgoperator.app.postgres.children.ChildMeta;
import io.pgoperator.app.postgres.children.ChildNames;
import io.pgoperator.app.postgres.children.CredentialsSecret;
import io.pgoperator.app.postgres.children.Passwords;
import io.pgoperator.runtime.kube.FencedWriteException;
import io.pgoperator.runtime.kube.KubeCalls;
import io.pgoperator.runtime.reconcile.Reconciler;
import io.pgoperator.runtime.reconcile.Request;
import io.pgoperator.runtime.reconcile.Result;
import io.pgoperator.runtime.reconcile.TerminalException;
import io.pgoperator.runtime.time.Clock;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles one PostgresCluster: validate what the schema cannot, then ensure each child
 * (credentials Secret, ConfigMap, Services, StatefulSet, PodDisruptionBudget), then write the
 * status if it changed. Reads come from {@link ClusterCache} only; an unchanged cluster costs
 * no request at all. An invalid spec is reported (status, Warning event) and ends in a
 * {@link TerminalException}: nothing is touched and nothing retried until the spec changes.
 */
public final class PostgresClusterReconciler implements Reconciler {

  private static final Logger log = LoggerFactory.getLogger(PostgresClusterReconciler.class);

  static final String REASON_RECONCILE_ERROR = ClusterStatus.REASON_RECONCILE_ERROR;
  static final String REASON_INVALID_SPEC = ClusterStatus.REASON_INVALID_SPEC;
  static final Duration PRIMARY_RECHECK = Duration.ofSeconds(30);

  private final ClusterCache cache;
  private final KubeCalls calls;
  private final EventRecorder events;
  private final Clock clock;
  private final Passwords passwords;
  private final RecentWrites recent = new RecentWrites();
  private final ChildWriter writer;

  public PostgresClusterReconciler(ClusterCache cache, KubeCalls calls, EventRecorder events,
      Clock clock) {
    this(cache, calls, events, clock, Passwords.secure());
  }

  PostgresClusterReconciler(ClusterCache cache, KubeCalls calls, EventRecorder events,
      Clock clock, Passwords passwords) {
    this.cache = cache;
    this.calls = calls;
    this.events = events;
    this.clock = clock;
    this.passwords = passwords;
    this.writer = new ChildWriter(calls, events, recent);
  }

  @Override
  public Future<Result> reconcile(Request request) {
    PostgresCluster cluster = recent.latest(request, cache.cluster(request));
    if (cluster == null) {
      // Owner references let the garbage collector remove the children; the PVCs stay.
      log.debug("PostgresCluster {} is gone; nothing to do", request);
      recent.forget(request);
      return Future.succeededFuture(Result.done());
    }
    if (cluster.getMetadata().getDeletionTimestamp() != null) {
      return Future.succeededFuture(Result.done());
    }
    Observed observed = observe(request, cluster);
    Pass pass;
    try {
      List<String> problems = SpecValidation.problems(cluster, observed.statefulSet());
      if (!problems.isEmpty()) {
        return rejectSpec(cluster, observed, problems);
      }
      pass = new Pass(cluster, observed, DesiredChildren.of(cluster, observed));
    } catch (IllegalArgumentException refusedByBuilder) {
      return rejectSpec(cluster, observed, List.of(refusedByBuilder.getMessage()));
    }
    return ensureCredentials(pass)
        .compose(v -> ensureConfig(pass))
        .compose(v -> ensureState(pass))
        .compose(v -> ensureServices(pass))
        .compose(v -> ensureStatefulSet(pass))
        .compose(v -> ensureDisruptionBudget(pass))
        .compose(v -> removeReplicaChildren(pass))
        .compose(v -> primaryVolumeRefusal(pass))
        .compose(refusal -> writeStatus(cluster, ClusterStatus.reconciled(cluster, pass.statefulSet,
                pass.desired.readOnly().isPresent(), pass.desired.state().isPresent(), refusal, clock.wallTime()))
            .compose(v -> refusal.isPresent()
                ? events.warning(cluster, PrimaryVolumeCheck.REASON, refusal.get()) : Future.<Void>succeededFuture())
            // Instance 0 crash-loops without changing the StatefulSet: look again until it is back.
            .map(v -> PrimaryVolumeCheck.worthAsking(pass.desired.state().isPresent(), pass.statefulSet)
                ? Result.requeueAfter(PRIMARY_RECHECK) : Result.done()))
        .recover(error -> reportFailure(cluster, observed, error));
  }

  private Observed observe(Request request, PostgresCluster cluster) {
    Observed cached = cache.observe(cluster);
    return new Observed(
        recent.latest(request, cached.credentials()),
        recent.latest(request, cached.config()),
        recent.latest(request, cached.state()),
        recent.latest(request, cached.headless()),
        recent.latest(request, cached.readWrite()),
        recent.latest(request, cached.readOnly()),
        recent.latest(request, cached.statefulSet()),
        recent.latest(request, cached.disruptionBudget()));
  }

  /** Created once with fresh passwords; afterwards only its labels and owner are repaired. */
  private Future<Void> ensureCredentials(Pass pass) {
    Secret ownership = credentialsOwnership(pass.cluster);
    Secret cached = pass.observed.credentials();
    if (cached != null) {
      return writer.repair(pass.cluster, ownership, cached).mapEmpty();
    }
    return writer.create(pass.cluster, CredentialsSecret.build(pass.cluster, passwords), ownership)
        .mapEmpty();
  }

  private Future<Void> ensureConfig(Pass pass) {
    return writer.ensure(pass.cluster, pass.desired.config(), pass.observed.config()).mapEmpty();
  }

  /** Written once the database exists, kept for good: the operator never removes it. */
  private Future<Void> ensureState(Pass pass) {
    return pass.desired.state()
        .map(state -> writer.ensure(pass.cluster, state, pass.observed.state()).<Void>mapEmpty())
        .orElse(Future.succeededFuture());
  }

  /** Instance 0's refusal to initialise over an emptied volume, when the cluster shows none Ready. */
  private Future<Optional<String>> primaryVolumeRefusal(Pass pass) {
    if (!PrimaryVolumeCheck.worthAsking(pass.desired.state().isPresent(), pass.statefulSet)) {
      return Future.succeededFuture(Optional.empty());
    }
    String namespace = pass.cluster.getMetadata().getNamespace();
    String pod = ChildNames.pod(pass.cluster.getMetadata().getName(), 0);
    return calls.read(client -> client.pods().inNamespace(namespace).withName(pod).get())
        .map(PrimaryVolumeCheck::refusal)
        .otherwise(error -> {
          log.debug("could not read pod {}/{}: {}", namespace, pod, error.toString());
          return Optional.empty();
        });
  }

  private Future<Void> ensureServices(Pass pass) {
    Future<Service> services = writer.ensure(pass.cluster, pass.desired.headless(),
            pass.observed.headless())
        .compose(v -> writer.ensure(pass.cluster, pass.desired.readWrite(),
            pass.observed.readWrite()));
    if (pass.desired.readOnly().isPresent()) {
      services = services.compose(v -> writer.ensure(pass.cluster,
          pass.desired.readOnly().get(), pass.observed.readOnly()));
    }
    return services.mapEmpty();
  }

  private Future<Void> ensureStatefulSet(Pass pass) {
    return writer.ensure(pass.cluster, pass.desired.statefulSet(), pass.observed.statefulSet())
        .map(statefulSet -> {
          pass.statefulSet = statefulSet;
          return null;
        });
  }

  private Future<Void> ensureDisruptionBudget(Pass pass) {
    return pass.desired.disruptionBudget()
        .map(budget -> writer.ensure(pass.cluster, budget, pass.observed.disruptionBudget())
            .<Void>mapEmpty())
        .orElseGet(Future::succeededFuture);
  }

  /** The read-only Service and the budget exist only with more than one instance. */
  private Future<Void> removeReplicaChildren(Pass pass) {
    Future<Void> done = Future.succeededFuture();
    if (pass.desired.readOnly().isEmpty() && pass.observed.readOnly() != null) {
      done = done.compose(v -> writer.delete(pass.cluster, pass.observed.readOnly(),
          "a single instance has no replicas to read from"));
    }
    if (pass.desired.disruptionBudget().isEmpty() && pass.observed.disruptionBudget() != null) {
      done = done.compose(v -> writer.delete(pass.cluster, pass.observed.disruptionBudget(),
          "a single instance must stay evictable"));
    }
    return done;
  }

  /** Through the status subresource, with the cached resourceVersion, only when it changed. */
  private Future<Void> writeStatus(PostgresCluster cluster, PostgresClusterStatus status) {
    if (status.equals(cluster.getStatus())) {
      return Future.succeededFuture();
    }
    PostgresCluster updated = new PostgresCluster();
    updated.setMetadata(new ObjectMetaBuilder(cluster.getMetadata()).build());
    updated.setSpec(cluster.getSpec());
    updated.setStatus(status);
    String what = "update status of PostgresCluster " + cluster.getMetadata().getNamespace()
        + "/" + cluster.getMetadata().getName();
    return calls.write(what, client -> client.resource(updated).updateStatus())
        .recover(error -> Future.failedFuture(new ChildWriter.ChildWriteException(
            what + " failed: " + ChildWriter.reason(error), error)))
        .onSuccess(written -> recent.updated(Request.of(cluster), cluster, written))
        .onSuccess(written -> log.info("updated status of PostgresCluster {}/{}: phase {}, {} of {}"
                + " instances ready", cluster.getMetadata().getNamespace(),
            cluster.getMetadata().getName(), status.getPhase(), status.getReadyInstances(),
            status.getInstances()))
        .mapEmpty();
  }

  private Future<Result> rejectSpec(PostgresCluster cluster, Observed observed,
      List<String> problems) {
    String message = "Invalid spec, children left unchanged: " + String.join("; ", problems);
    return writeStatus(cluster, ClusterStatus.invalidSpec(cluster, observed, message,
            clock.wallTime()))
        .compose(v -> events.warning(cluster, REASON_INVALID_SPEC, message))
        .compose(v -> Future.failedFuture(new InvalidSpecException(message)));
  }

  /**
   * A Warning event and Reconciled=False for failures people should see; conflicts (a stale
   * cache, retried at once) and fenced writes (no longer the leader) are routine.
   */
  private Future<Result> reportFailure(PostgresCluster cluster, Observed observed,
      Throwable error) {
    if (error instanceof InvalidSpecException || isFenced(error)
        || ChildWriter.status(error) == 409) {
      return Future.failedFuture(error);
    }
    String message = error.getMessage() == null ? error.toString() : error.getMessage();
    return events.warning(cluster, REASON_RECONCILE_ERROR, message)
        .compose(v -> writeStatus(cluster, ClusterStatus.reconcileError(cluster, observed,
            message, clock.wallTime())))
        .transform(ignored -> Future.failedFuture(error));
  }

  private static boolean isFenced(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof FencedWriteException) {
        return true;
      }
    }
    return false;
  }

  private static Secret credentialsOwnership(PostgresCluster cluster) {
    String name = cluster.getMetadata().getName();
    return new SecretBuilder()
        .withNewMetadata()
        .withName(ChildNames.credentialsSecret(name))
        .withNamespace(cluster.getMetadata().getNamespace())
        .withLabels(ChildMeta.labels(name, ChildMeta.COMPONENT_CREDENTIALS))
        .withOwnerReferences(ChildMeta.ownerReference(cluster))
        .endMetadata()
        .build();
  }

  /** One reconcile's working state, handed from step to step. */
  private static final class Pass {
    final PostgresCluster cluster;
    final Observed observed;
    final DesiredChildren desired;
    StatefulSet statefulSet;

    Pass(PostgresCluster cluster, Observed observed, DesiredChildren desired) {
      this.cluster = cluster;
      this.observed = observed;
      this.desired = desired;
    }
  }

  /** The spec cannot be acted on; already reported in the status and as an event. */
  static final class InvalidSpecException extends TerminalException {
    InvalidSpecException(String message) {
      super(message);
    }
  }
}
