package io.pgoperator.runtime.shard;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.runtime.leader.LeaderElectionConfig;
import io.pgoperator.runtime.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The single-leader side of the mode guard: a replica running with one Lease must not take it
 * while members of a sharded ring of the same name are alive (a rolling update from sharded to
 * single-leader mode, or a replica started with the wrong flags), or two replicas could write for
 * one key. Watches the ring's member Leases; a member is alive while its Lease has a holder and
 * has changed within its lease duration by this replica's monotonic clock (a Lease first seen
 * counts as changed then). {@link #reason()} may be called from any thread.
 */
public final class SingleLeaderGuard extends VerticleBase {

  private record Seen(RingLease lease, long changedAtNanos) {}

  private final String ring;
  private final RingApi api;
  private final Clock clock;
  private final long leaseNanos;
  private final Map<String, Seen> members = new ConcurrentHashMap<>();
  private volatile boolean synced;

  /** The guard for the single-leader election {@code config} (its Lease's name is the ring's). */
  public static SingleLeaderGuard create(LeaderElectionConfig config, KubernetesClient watches,
      KubernetesClient requests, Clock clock) {
    return new SingleLeaderGuard(config.name(), new KubeRingApi(watches, requests, config.namespace(), config.name(),
        config.leaseRequestTimeout()), clock, config.leaseDuration());
  }

  SingleLeaderGuard(String ring, RingApi api, Clock clock, Duration leaseDuration) {
    this.ring = ring;
    this.api = api;
    this.clock = clock;
    this.leaseNanos = leaseDuration.toNanos();
  }

  @Override
  public Future<?> start() {
    api.watch(this::saw, members::remove, () -> synced = true);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return api.close();
  }

  void saw(RingLease lease) {
    if (!lease.isMember()) {
      return;
    }
    Seen before = members.get(lease.name());
    if (before == null || !before.lease().equals(lease)) {
      members.put(lease.name(), new Seen(lease, clock.nanoTime()));
    }
  }

  /** Why this replica must not take the single-leader Lease now, or null. */
  public String reason() {
    if (!synced) {
      return "the Leases of ring " + ring + " have not been listed yet";
    }
    long now = clock.nanoTime();
    for (Seen seen : members.values()) {
      int seconds = seen.lease().durationSeconds();
      long duration = Math.max(leaseNanos, Duration.ofSeconds(Math.max(0, seconds)).toNanos());
      if (seen.lease().hasHolder() && now - seen.changedAtNanos() < duration) {
        return "replica '" + seen.lease().holder() + "' runs sharded (--shards) in ring " + ring
            + ": a single leader may lead only once every sharded replica is gone";
      }
    }
    return null;
  }
}
