package io.pgoperator.runtime.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgoperator.runtime.time.Clock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * Leader election over a {@code coordination.k8s.io/v1} Lease, compatible with client-go's
 * elector (same fields and rules, so {@code kubectl get lease} shows the holder and the two
 * exclude each other). A thin verticle around {@link LeaseElection}: deploy it to compete, and
 * undeploy it or call {@link #release()} to hand over. Everything runs on its context with
 * non-blocking API calls; {@link #currentTerm()}, {@link #observedHolder()} and {@link
 * #livenessCheck()} may be called from any thread.
 *
 * <p>Better than client-go's: standbys watch the Lease, so a released Lease is taken within
 * milliseconds and a dead leader's Lease right when it expires (plus a little jitter), not up to a
 * retry period later; a leader renews without a read before each write; losing leadership
 * returns to standby instead of exiting, unless asked to.
 */
public final class LeaseElector extends VerticleBase implements Leadership {

  private final LeaderElectionConfig config;
  private final LeaseElection election;

  /**
   * The production elector: Lease requests through {@code requests}' asynchronous HTTP client;
   * the Lease, and the Pod of its holder, watched through {@code watches}.
   *
   * @param watches the client whose informer watches the Lease (it reconnects on its own)
   * @param requests the client for get/create/update of the Lease: no client-level retries (see
   *     {@code KubeClients#createForLease}); each request is abandoned after
   *     {@link LeaderElectionConfig#leaseRequestTimeout()}
   */
  public static LeaseElector create(LeaderElectionConfig config, KubernetesClient watches, KubernetesClient requests,
      Clock clock, MeterRegistry registry) {
    return new LeaseElector(config, new KubeLeaseApi(watches, requests, config.namespace(), config.name(),
        config.leaseRequestTimeout()), new KubePodWatch(watches), clock, registry,
        max -> max <= 0 ? 0 : ThreadLocalRandom.current().nextLong(max + 1));
  }

  /** An elector that learns a crashed holder's fate only from the Lease's expiry. */
  LeaseElector(LeaderElectionConfig config, LeaseApi api, Clock clock, MeterRegistry registry,
      LongUnaryOperator jitterMillis) {
    this(config, api, PodWatch.NONE, clock, registry, jitterMillis);
  }

  LeaseElector(LeaderElectionConfig config, LeaseApi api, PodWatch pods, Clock clock, MeterRegistry registry,
      LongUnaryOperator jitterMillis) {
    this.config = config;
    this.election = new LeaseElection(config, api, pods, clock, registry, jitterMillis);
  }

  /**
   * What to do when leadership is lost and {@link LeaderElectionConfig#exitOnLostLeadership()} is
   * set (the application exits with status 1). Set it before deploying.
   */
  public LeaseElector onLostLeadershipExit(Runnable exit) {
    election.onLostLeadershipExit(exit);
    return this;
  }

  /**
   * While {@code reason} answers non-null (e.g. "live sharded members exist"), this replica does
   * not acquire the Lease; a leader keeps renewing. Set it before deploying. Called on the
   * elector's context; must be cheap.
   */
  public LeaseElector refuseToAcquireWhile(java.util.function.Supplier<String> reason) {
    election.refuseToAcquireWhile(reason);
    return this;
  }

  @Override
  public Future<?> start() {
    election.start();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return release();
  }

  public LeaderElectionConfig electionConfig() {
    return config;
  }

  public String identity() {
    return config.identity();
  }

  /** The holder identity of the Lease as this replica last saw it; empty if none or unknown. */
  public Optional<String> observedHolder() {
    String holder = election.observedHolder();
    return holder.isEmpty() ? Optional.empty() : Optional.of(holder);
  }

  @Override
  public LeaderTerm currentTerm() {
    return election.currentTerm();
  }

  /** Listeners are called on the elector's context; one added while leading is told at once. */
  @Override
  public void addListener(LeadershipListener listener) {
    onContext(() -> election.addListener(listener));
  }

  @Override
  public Future<Void> release() {
    Promise<Void> done = Promise.promise();
    onContext(() -> election.release(true).onComplete(done));
    return done.future();
  }

  @Override
  public Future<Void> abandon() {
    Promise<Void> done = Promise.promise();
    onContext(() -> election.release(false).onComplete(done));
    return done.future();
  }

  /** Why liveness fails now, or null (see {@link #livenessCheck()}). */
  String unhealthyReason() {
    return election.unhealthyReason();
  }

  /**
   * For {@code /healthz}: fails while this replica believes it leads but has not renewed for
   * longer than the renew deadline plus a grace, which only a stuck event loop explains, or once
   * another process was seen using this replica's identity; either way the pod gets restarted.
   * Standbys pass. Does not need the elector's event loop.
   */
  public Future<Void> livenessCheck() {
    String reason = election.unhealthyReason();
    return reason == null ? Future.succeededFuture() : Future.failedFuture(reason);
  }

  public boolean healthy() {
    return election.unhealthyReason() == null;
  }

  private void onContext(Runnable action) {
    Context own = context;
    if (own == null || Vertx.currentContext() == own) {
      action.run();
    } else {
      own.runOnContext(v -> action.run());
    }
  }
}
