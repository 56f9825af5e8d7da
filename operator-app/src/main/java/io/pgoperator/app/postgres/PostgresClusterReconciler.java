package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterStatus;
import io.pgoperator.app.postgres.children.ChildMeta;
import io.pgoperator.app.postgres.children.ChildNames;
import io.pgoperator.app.postgres.children.CredentialsSecret;
import io.pgoperator.app.postgres.children.ClusterTls;
import io.pgoperator.app.postgres.children.InternalCredentials;
import io.pgoperator.app.postgres.children.Passwords;
import io.pgoperator.app.postgres.primary.InstancePods;
import io.pgoperator.app.postgres.primary.PrimaryRoles;
import io.pgoperator.app.postgres.replication.InstanceClient;
import io.pgoperator.app.postgres.replication.InstanceCredentials;
import io.pgoperator.app.postgres.tls.CertificateAuthority;
import io.pgoperator.app.postgres.tls.ServerCertificate;
import io.pgoperator.runtime.kube.FencedWriteException;
import io.pgoperator.runtime.kube.KubeCalls;
import io.pgoperator.runtime.reconcile.Reconciler;
import io.pgoperator.runtime.reconcile.Request;
import io.pgoperator.runtime.reconcile.Result;
import io.pgoperator.runtime.reconcile.TerminalException;
import io.pgoperator.runtime.time.Clock;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles one PostgresCluster: validate what the schema cannot, then ensure each child
 * (credentials Secret, ConfigMap, Services, StatefulSet, PodDisruptionBudget), keep one
 * instance primary ({@link PrimaryRoles}: labels, failover, switchover), then write the status
 * if it changed. Reads come from {@link ClusterCache} only; an unchanged cluster costs
 * no request at all. An invalid spec is reported (status, Warning event) and ends in a
 * {@link TerminalException}: nothing is touched and nothing retried until the spec changes.
 */
public final class PostgresClusterReconciler implements Reconciler {

  private static final Logger log = LoggerFactory.getLogger(PostgresClusterReconciler.class);

  static final String REASON_RECONCILE_ERROR = ClusterStatus.REASON_RECONCILE_ERROR;
  static final String REASON_INVALID_SPEC = ClusterStatus.REASON_INVALID_SPEC;
  static final Duration PRIMARY_RECHECK = Duration.ofSeconds(30);
  static final int WARM_UP_PASSES = 10;

  private final ClusterCache cache;
  private final KubeCalls calls;
  private final EventRecorder events;
  private final Clock clock;
  private final Passwords passwords;
  private final RecentWrites recent = new RecentWrites();
  private final ChildWriter writer;
  private final ReplicationObserver replication;
  private final ParsedTlsSecrets tlsSecrets = new ParsedTlsSecrets();
  private final PrimaryRoles roles;

  public PostgresClusterReconciler(ClusterCache cache, KubeCalls calls, EventRecorder events,
      Clock clock, InstanceClient instances, PrimaryRoles roles) {
    this(cache, calls, events, clock, Passwords.secure(), instances, roles);
  }

  PostgresClusterReconciler(ClusterCache cache, KubeCalls calls, EventRecorder events,
      Clock clock, Passwords passwords, InstanceClient instances, PrimaryRoles roles) {
    this.cache = cache;
    this.calls = calls;
    this.events = events;
    this.clock = clock;
    this.passwords = passwords;
    this.writer = new ChildWriter(calls, events, recent);
    this.replication = new ReplicationObserver(instances, events, roles);
    this.roles = roles;
  }

  @Override
  public Future<Result> reconcile(Request request) {
    PostgresCluster cluster = recent.latest(request, cache.cluster(request));
    if (cluster == null) {
      // Owner references let the garbage collector remove the children; the PVCs stay.
      log.debug("PostgresCluster {} is gone; nothing to do", request);
      recent.forget(request);
      roles.forget(request.namespace(), request.name());
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
    return Future.<Void>succeededFuture()
        .compose(v -> ensureAuthority(pass))
        .compose(v -> ensureInternalCredentials(pass))
        .compose(v -> ensureCredentials(pass))
        .compose(v -> ensureServerCertificate(pass))
        .compose(v -> ensureConfig(pass))
        .compose(v -> ensureState(pass))
        .compose(v -> ensureServices(pass))
        .compose(v -> ensureStatefulSet(pass))
        .compose(v -> ensureDisruptionBudget(pass))
        .compose(v -> removeReplicaChildren(pass))
        .compose(v -> primaryRoles(pass))
        .compose(ignored -> replication.observe(pass.cluster, pass.statefulSet, pass.roles.record(),
                pass.credentials(), pass.pods)
            .compose(members -> {
              Optional<String> refusal = PrimaryVolumeCheck.worthAsking(pass.desired.initialised(), pass.statefulSet)
                  ? PrimaryVolumeCheck.refusal(pass.pods.get(pass.roles.record().current()).orElse(null))
                  : Optional.empty();
              return writeStatus(pass.cluster, ClusterStatus.reconciled(pass.cluster, pass.statefulSet,
                      pass.desired.readOnly().isPresent(), pass.desired.initialised(), refusal, members,
                      Optional.of(pass.roles), clock.wallTime()))
                  .compose(written -> refusal.isPresent()
                      ? events.warning(pass.cluster, PrimaryVolumeCheck.REASON, refusal.get())
                      : Future.<Void>succeededFuture())
                  // The primary crash-loops without changing the StatefulSet: look again until it is back.
                  .map(warned -> pass.next(clock.wallTime(), members.isPresent(),
                      PrimaryVolumeCheck.worthAsking(pass.desired.initialised(), pass.statefulSet)));
            }))
        .recover(error -> reportFailure(pass.cluster, observed, error));
  }

  /**
   * Reconciles of a throwaway cluster without any request (see {@link WarmUp}), repeated until
   * the JIT compiler has the hot paths: a single pass loads the classes but runs interpreted.
   */
  @Override
  public void warmUp() {
    long started = System.nanoTime();
    int bytes = 0;
    for (int pass = 0; pass < WARM_UP_PASSES; pass++) {
      bytes += WarmUp.run(passwords, clock.wallTime(), calls::serializeForWrite).stream().mapToInt(String::length).sum();
    }
    log.info("warmed up in {} ms: {} reconciles of a throwaway cluster rendered and serialized, {} bytes",
        (System.nanoTime() - started) / 1_000_000, WARM_UP_PASSES, bytes);
  }

  private Observed observe(Request request, PostgresCluster cluster) {
    Observed cached = cache.observe(cluster);
    return new Observed(
        recent.latest(request, cached.credentials()),
        recent.latest(request, cached.internalCredentials()),
        recent.latest(request, cached.ca()),
        recent.latest(request, cached.serverTls()),
        recent.latest(request, cached.config()),
        recent.latest(request, cached.state()),
        recent.latest(request, cached.headless()),
        recent.latest(request, cached.readWrite()),
        recent.latest(request, cached.readOnly()),
        recent.latest(request, cached.statefulSet()),
        recent.latest(request, cached.disruptionBudget()));
  }

  /**
   * The cluster's CA: made once, then only its labels and owner are repaired. One that cannot be
   * read fails the reconcile with a message saying how to recover (see {@link ClusterTls#authority}).
   */
  private Future<Void> ensureAuthority(Pass pass) {
    Secret cached = pass.observed.ca();
    Secret ownership = ownership(pass.cluster, ChildNames.caSecret(pass.cluster.getMetadata().getName()),
        ChildMeta.COMPONENT_TLS);
    if (cached != null) {
      pass.authority = tlsSecrets.authority(cached);
      return writer.repair(pass.cluster, ownership, cached).mapEmpty();
    }
    CertificateAuthority made = ClusterTls.newAuthority(pass.cluster, clock.wallTime());
    return writer.create(pass.cluster, ClusterTls.caSecret(pass.cluster, made), ownership)
        .map(secret -> {
          // Created, or made meanwhile by someone else (a 409 reads it back): use what is stored.
          pass.authority = tlsSecrets.authority(secret);
          return null;
        });
  }

  /** The replication and operator roles' passwords: created once, like the application's. */
  private Future<Void> ensureInternalCredentials(Pass pass) {
    Secret ownership = ownership(pass.cluster, ChildNames.internalSecret(pass.cluster.getMetadata().getName()),
        ChildMeta.COMPONENT_CREDENTIALS);
    Secret cached = pass.observed.internalCredentials();
    if (cached != null) {
      return writer.repair(pass.cluster, ownership, cached).mapEmpty();
    }
    return writer.create(pass.cluster,
        InternalCredentials.build(pass.cluster, passwords, pass.observed.credentials()), ownership).mapEmpty();
  }

  /**
   * Created once with fresh passwords; afterwards its labels and owner, and the CA certificate
   * clients verify the server with, are repaired; the logins never change.
   */
  private Future<Void> ensureCredentials(Pass pass) {
    String ca = pass.authority.certificatePem();
    Secret ownership = new SecretBuilder(CredentialsSecret.caOnly(pass.cluster, ca))
        .editMetadata().withOwnerReferences(ChildMeta.ownerReference(pass.cluster)).endMetadata()
        .build();
    Secret cached = pass.observed.credentials();
    if (cached != null) {
      return writer.repair(pass.cluster, ownership, cached).mapEmpty();
    }
    return writer.create(pass.cluster, CredentialsSecret.build(pass.cluster, passwords, ca), ownership)
        .mapEmpty();
  }

  /**
   * The instances' certificate: kept while it names every host, comes from the cluster's CA and
   * is not due for renewal; otherwise a new one replaces it in place (the pods reload it).
   */
  private Future<Void> ensureServerCertificate(Pass pass) {
    Secret cached = pass.observed.serverTls();
    Optional<Instant> renewal = tlsSecrets.renewal(pass.cluster, cached, pass.authority, clock.wallTime());
    Secret desired;
    if (renewal.isPresent()) {
      pass.renewal = renewal.get();
      desired = ownership(pass.cluster, ChildNames.serverTlsSecret(pass.cluster.getMetadata().getName()),
          ChildMeta.COMPONENT_TLS);
    } else {
      CertificateAuthority authority = pass.authority.parse();
      ServerCertificate server = ClusterTls.issue(pass.cluster, authority, clock.wallTime());
      pass.renewal = ClusterTls.renewal(server);
      desired = ClusterTls.serverSecret(pass.cluster, authority, server);
    }
    return writer.ensure(pass.cluster, desired, cached).mapEmpty();
  }

  private Future<Void> ensureConfig(Pass pass) {
    return writer.ensure(pass.cluster, pass.desired.config(), pass.observed.config()).mapEmpty();
  }

  /** The recorded primary and epoch (and, once the database exists, that it does); never removed. */
  private Future<Void> ensureState(Pass pass) {
    return writer.ensure(pass.cluster, pass.desired.state(), pass.observed.state()).mapEmpty();
  }

  /** The primary role: labels in line with the record, a failover or switchover when called for. */
  private Future<Void> primaryRoles(Pass pass) {
    int instances = pass.statefulSet == null || pass.statefulSet.getSpec().getReplicas() == null ? 0
        : pass.statefulSet.getSpec().getReplicas();
    pass.pods = cache.instancePods(pass.cluster, instances);
    Request request = Request.of(pass.cluster);
    return roles.reconcile(pass.cluster, pass.statefulSet, pass.desired.initialised(), pass.pods, pass.credentials(),
            (cluster, status) -> writeStatus(cluster, status),
            (cluster, record) -> writer.ensure(cluster,
                DesiredChildren.state(cluster, record, pass.desired.initialised()),
                recent.latest(request, cache.configMap(cluster.getMetadata().getNamespace(),
                    ChildNames.stateConfigMap(cluster.getMetadata().getName())))).mapEmpty())
        .map(outcome -> {
          pass.roles = outcome;
          pass.cluster = outcome.cluster();
          return null;
        });
  }

  private Future<Void> ensureServices(Pass pass) {
    Future<Service> services = writer.ensure(pass.cluster, pass.desired.headless(),
            pass.observed.headless())
        .compose(v -> writer.ensure(pass.cluster, readWrite(pass), pass.observed.readWrite()));
    if (pass.desired.readOnly().isPresent()) {
      services = services.compose(v -> writer.ensure(pass.cluster,
          pass.desired.readOnly().get(), pass.observed.readOnly()));
    }
    return services.mapEmpty();
  }

  /**
   * The -rw Service as desired, except in a cluster of an earlier version, whose -rw selects
   * instance 0 by name: that selector stays until a pod carries the primary label, which the
   * operator writes only after the instance answered as a primary. An upgrade never leaves -rw
   * without an endpoint, even when the operator cannot reach the instances.
   */
  private Service readWrite(Pass pass) {
    Service desired = pass.desired.readWrite();
    Service observed = pass.observed.readWrite();
    String name = pass.cluster.getMetadata().getName();
    Map<String, String> earlier = new LinkedHashMap<>(ChildMeta.podSelector(name));
    earlier.put(ChildMeta.POD_NAME_LABEL, ChildNames.initialPrimary(name));
    if (observed == null || observed.getSpec() == null || !earlier.equals(observed.getSpec().getSelector())) {
      return desired;
    }
    boolean labelled = cache.instancePods(pass.cluster, pass.desired.statefulSet().getSpec().getReplicas()).all().stream()
        .anyMatch(pod -> ChildMeta.ROLE_PRIMARY.equals(InstancePods.role(pod)));
    if (labelled) {
      return desired;
    }
    Service kept = new ServiceBuilder(desired).editSpec().withSelector(observed.getSpec().getSelector()).endSpec().build();
    log.debug("PostgresCluster {}/{}: {} keeps selecting {} by name until a pod is labelled primary",
        pass.cluster.getMetadata().getNamespace(), pass.cluster.getMetadata().getName(),
        observed.getMetadata().getName(), observed.getSpec().getSelector().get(ChildMeta.POD_NAME_LABEL));
    return kept;
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

  /**
   * Through the status subresource, with the cached resourceVersion, only when it changed;
   * returns the cluster as stored.
   */
  private Future<PostgresCluster> writeStatus(PostgresCluster cluster, PostgresClusterStatus status) {
    if (status.equals(cluster.getStatus())) {
      return Future.succeededFuture(cluster);
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
            status.getInstances()));
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

  /** A Secret's metadata only: what is repaired on Secrets whose data the operator made once. */
  private static Secret ownership(PostgresCluster cluster, String secret, String component) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(secret)
        .withNamespace(cluster.getMetadata().getNamespace())
        .withLabels(ChildMeta.labels(cluster.getMetadata().getName(), component))
        .withOwnerReferences(ChildMeta.ownerReference(cluster))
        .endMetadata()
        .build();
  }

  /** One reconcile's working state, handed from step to step. */
  private static final class Pass {
    /** The cluster as last written by this pass (a decided failover changes its status and resourceVersion). */
    PostgresCluster cluster;
    final Observed observed;
    final DesiredChildren desired;
    StatefulSet statefulSet;
    CheckedAuthority authority;
    Instant renewal;
    InstancePods pods = new InstancePods(List.of());
    PrimaryRoles.Outcome roles;

    Pass(PostgresCluster cluster, Observed observed, DesiredChildren desired) {
      this.cluster = cluster;
      this.observed = observed;
      this.desired = desired;
    }

    /** How the operator logs in to the instances; null until the Secrets are cached. */
    InstanceCredentials credentials() {
      String password = observed.internalCredentials() == null ? null
          : CredentialsSecret.value(observed.internalCredentials(), InternalCredentials.OPERATOR_PASSWORD);
      return password == null || authority == null ? null
          : new InstanceCredentials(password, authority.certificatePem());
    }

    /**
     * Back when the primary role asks (a failover delay running out, a move under way), in
     * {@link ReplicationObserver#PERIOD} while the primary is watched (lag and standbys change
     * without any Kubernetes event), in {@link #PRIMARY_RECHECK} while no instance is Ready, else
     * when the server certificate is due for renewal.
     */
    Result next(Instant now, boolean watchingReplication, boolean noneReady) {
      Duration until = renewal == null ? null : Duration.between(now, renewal);
      if (watchingReplication && (until == null || until.compareTo(ReplicationObserver.PERIOD) > 0)) {
        until = ReplicationObserver.PERIOD;
      }
      if (noneReady && (until == null || until.compareTo(PRIMARY_RECHECK) > 0)) {
        until = PRIMARY_RECHECK;
      }
      Optional<Duration> asked = roles == null ? Optional.empty() : roles.requeue();
      if (asked.isPresent() && (until == null || asked.get().compareTo(until) < 0)) {
        until = asked.get();
      }
      if (until == null) {
        return Result.done();
      }
      return Result.requeueAfter(until.isNegative() ? Duration.ZERO : until);
    }
  }

  /** The spec cannot be acted on; already reported in the status and as an event. */
  static final class InvalidSpecException extends TerminalException {
    InvalidSpecException(String message) {
      super(message);
    }
  }
}
