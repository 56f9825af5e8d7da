package io.pgoperator.app.failover;

import static io.pgoperator.app.failover.OperatorProcesses.LEASE;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.runtime.reconcile.Request;
import io.pgoperator.runtime.shard.SlotHash;
import io.pgoperator.runtime.testing.Await;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The slot Leases of a ring of {@value #SLOTS} slots ({@code <ring>-slot-NN-of-16}, the ring being
 * the leader-election id), read straight from the API server, and the replicas they name: a
 * member identity is the replica's {@code --identity} and a suffix of 5 characters, fresh for each
 * membership.
 */
final class SlotLeases {

  static final int SLOTS = 16;
  static final String OWNED = "controller_sharding_slots_owned";

  private final KubernetesClient admin;
  private final String namespace;

  SlotLeases(KubernetesClient admin, String namespace) {
    this.admin = admin;
    this.namespace = namespace;
  }

  static int slotOf(String namespace, String cluster) {
    return SlotHash.slotOf(new Request(namespace, cluster), SLOTS);
  }

  static String slotLease(int slot) {
    return LEASE + "-slot-" + String.format(Locale.ROOT, "%02d", slot) + "-of-" + SLOTS;
  }

  static String memberLease(String memberIdentity) {
    return LEASE + "-member-" + memberIdentity;
  }

  /** Whether {@code holder} is a member identity of {@code replica}. */
  static boolean isMemberOf(String holder, Replica replica) {
    return Pattern.matches(Pattern.quote(replica.identity()) + "-[a-z0-9]{5}", holder);
  }

  /** Slot → holder identity, "" when its Lease names none or does not exist. */
  Map<Integer, String> holders() {
    Map<String, Lease> byName = new HashMap<>();
    admin.resources(Lease.class).inNamespace(namespace).list().getItems()
        .forEach(lease -> byName.put(lease.getMetadata().getName(), lease));
    Map<Integer, String> holders = new TreeMap<>();
    for (int slot = 0; slot < SLOTS; slot++) {
      Lease lease = byName.get(slotLease(slot));
      String holder = lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
      holders.put(slot, holder == null ? "" : holder);
    }
    return holders;
  }

  /** The replica among {@code replicas} that a holder identity names. */
  static Optional<Replica> replicaOf(String holder, List<Replica> replicas) {
    return replicas.stream().filter(r -> isMemberOf(holder, r)).findFirst();
  }

  /**
   * Until every slot Lease names one of {@code live}, each holds floor or ceil of 16/N of them, and
   * each reports that many on {@code controller_sharding_slots_owned}; returns slot → holder.
   */
  Map<Integer, String> awaitBalanced(List<Replica> live, Duration deadline) {
    int floor = SLOTS / live.size();
    int ceil = (SLOTS + live.size() - 1) / live.size();
    Object[] last = {null};
    try {
      Await.until("the " + SLOTS + " slots split " + floor + "-" + ceil + " among " + live, deadline, () -> {
        Map<Integer, String> holders = holders();
        last[0] = holders;
        Map<Replica, Integer> counts = new HashMap<>();
        for (String holder : holders.values()) {
          Optional<Replica> owner = replicaOf(holder, live);
          if (owner.isEmpty()) {
            return false;
          }
          counts.merge(owner.get(), 1, Integer::sum);
        }
        for (Replica replica : live) {
          int count = counts.getOrDefault(replica, 0);
          OptionalDouble reported = replica.sample(OWNED, "name", LEASE);
          if (count < floor || count > ceil || reported.isEmpty() || reported.getAsDouble() != count) {
            last[0] = holders + "; " + replica.identity() + " holds " + count + ", reports " + reported;
            return false;
          }
        }
        return true;
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; last seen: " + last[0], e);
    }
    return holders();
  }
}
