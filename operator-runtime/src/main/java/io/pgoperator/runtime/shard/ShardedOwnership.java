package io.pgoperator.runtime.shard;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgoperator.runtime.leader.LeaderTerm;
import io.pgoperator.runtime.ownership.Ownership;
import io.pgoperator.runtime.ownership.OwnershipListener;
import io.pgoperator.runtime.reconcile.Request;
import io.pgoperator.runtime.time.Clock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Active-active ownership: every replica is a member of one ring and owns a share of the slots
 * (see {@link SlotRing} for the rules). A thin verticle: deploy it once the caches have synced to
 * join, undeploy it or call {@link #release()} to hand every slot off. {@link #termFor(int)} and
 * {@link #livenessCheck()} may be called from any thread.
 */
public final class ShardedOwnership extends VerticleBase implements Ownership {

  private static final String SUFFIX_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

  private final ShardingConfig config;
  private final SlotRing ring;

  /**
   * @param watches the client whose informer watches the ring's Leases
   * @param requests the client for Lease requests: no client-level retries, see {@code
   *     KubeClients#createForLease}
   */
  public static ShardedOwnership create(ShardingConfig config, KubernetesClient watches, KubernetesClient requests,
      Clock clock, MeterRegistry registry) {
    // Outside a Pod (no POD_* environment) there is no kubelet report to follow.
    MemberPods pods = config.lease().pod() == null ? MemberPods.NONE : new KubeMemberPods(watches, config.namespace());
    return new ShardedOwnership(config, new KubeRingApi(watches, requests, config.namespace(), config.ring(),
        config.lease().leaseRequestTimeout()), pods, clock, registry);
  }

  ShardedOwnership(ShardingConfig config, RingApi api, MemberPods pods, Clock clock, MeterRegistry registry) {
    this.config = config;
    this.ring = new SlotRing(config, api, pods, clock, new ShardingMetrics(registry, config.ring(), config.slots()),
        ShardedOwnership::suffix, task -> onContext(task));
  }

  private static String suffix() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    StringBuilder suffix = new StringBuilder(5);
    for (int i = 0; i < 5; i++) {
      suffix.append(SUFFIX_CHARS.charAt(random.nextInt(SUFFIX_CHARS.length())));
    }
    return suffix.toString();
  }

  @Override
  public Future<?> start() {
    ring.start();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return release();
  }

  public ShardingConfig shardingConfig() {
    return config;
  }

  /** This replica's member identity now, or null while it is not a member. */
  public String identity() {
    return ring.identity();
  }

  @Override
  public int slots() {
    return config.slots();
  }

  @Override
  public int slotOf(Request key) {
    return SlotHash.slotOf(key, config.slots());
  }

  @Override
  public LeaderTerm termFor(int slot) {
    return ring.termFor(slot);
  }

  /** Every write belongs to a key: none is allowed outside a reconcile. */
  @Override
  public LeaderTerm termOutsideReconcile() {
    return null;
  }

  @Override
  public void addListener(OwnershipListener listener) {
    onContext(() -> ring.addListener(listener));
  }

  @Override
  public Future<Void> release() {
    Promise<Void> done = Promise.promise();
    onContext(() -> ring.leave().onComplete(done));
    return done.future();
  }

  @Override
  public Future<Void> abandon() {
    Promise<Void> done = Promise.promise();
    onContext(() -> ring.abandon().onComplete(done));
    return done.future();
  }

  /**
   * For {@code /healthz}: fails while this replica is a member that has not renewed for longer
   * than the renew deadline plus a grace, which only a stuck event loop explains.
   */
  public Future<Void> livenessCheck() {
    String reason = ring.unhealthyReason();
    return reason == null ? Future.succeededFuture() : Future.failedFuture(reason);
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
