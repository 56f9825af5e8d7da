package io.pgoperator.app.failover;

import static io.pgoperator.app.failover.KeyWrites.clusterName;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.app.failover.AuditLog.Request;
import io.pgoperator.app.failover.KeyWrites.Write;
import io.pgoperator.runtime.testing.EnvtestBinaries;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Active-active sharding ({@code --shards=16}) with fat-jar replicas on a real, audited
 * kube-apiserver: the replicas split the slots, each cluster is written only by its slot's owner
 * (from the audit log), a SIGTERMed replica hands its slots over without two replicas writing a
 * key at once, a SIGKILLed one's slots are taken only after its member Lease expired, and scaling
 * keeps every slot owned and the split balanced. Asserts behaviour and order, never speed.
 */
class ShardedReplicasIT {

  private static final Duration LEASE_DURATION = Duration.ofSeconds(4);
  private static final List<String> FLAGS = Stream.concat(OperatorProcesses.FAST_ELECTION.stream(),
      Stream.of("--shards=" + SlotLeases.SLOTS)).toList();
  /** Generous: slots move within a retry period or a lease duration; this only bounds a hang. */
  private static final Duration SETTLE = Duration.ofSeconds(60);
  private static final Duration EXIT = Duration.ofSeconds(60);
  private static final int CLUSTERS = 30;

  @RegisterExtension
  final FailoverLogs failover = new FailoverLogs();

  private static AuditedApiServer server;
  private static KubernetesClient admin;

  @BeforeAll
  static void auditedApiServer() {
    server = AuditedApiServer.start(Path.of("target", "failover", "ShardedReplicasIT"));
    admin = server.client();
    server.installCrd(EnvtestBinaries.repositoryRoot().resolve("deploy/crd/postgresclusters.postgres.example.com-v1.yml"));
  }

  @AfterAll
  static void stopApiServer() {
    if (server != null) {
      server.close();
    }
  }

  private OperatorProcesses processes(String namespace) {
    Clusters.createNamespace(admin, namespace);
    return failover.processes(admin, server.kubeconfigYaml(), namespace, FLAGS);
  }

  @Test
  void threeReplicasSplitTheSlotsAndEachClusterIsWrittenOnlyByTheOwnerOfItsSlot() {
    OperatorProcesses processes = processes("shard-split");
    String ns = processes.namespace();
    SlotLeases ring = new SlotLeases(admin, ns);
    List<Replica> replicas = processes.start(3);
    Map<Integer, String> holders = ring.awaitBalanced(replicas, SETTLE);
    Instant from = Instant.now();

    createAndReconcile(ns, 0, CLUSTERS);

    assertThat(ring.holders()).as("slot holders after the clusters were reconciled").isEqualTo(holders);
    Map<String, List<Write>> writes = KeyWrites.read(server.audit(), ns, from);
    Set<String> owners = new TreeSet<>();
    for (int i = 0; i < CLUSTERS; i++) {
      String cluster = clusterName(i);
      String owner = SlotLeases.replicaOf(holders.get(SlotLeases.slotOf(ns, cluster)), replicas).orElseThrow()
          .identity();
      owners.add(owner);
      assertThat(writes.getOrDefault(cluster, List.of())).as("writes for %s/%s (slot %d, owned by %s)", ns, cluster,
          SlotLeases.slotOf(ns, cluster), owner).isNotEmpty().allSatisfy(w -> assertThat(w.replica()).isEqualTo(owner));
    }
    assertThat(owners).as("replicas owning some of the %d clusters: the keys spread over the slots", CLUSTERS)
        .containsExactlyInAnyOrderElementsOf(replicas.stream().map(Replica::identity).toList());
  }

  @Test
  void aReplicaStoppedWithSigtermHandsItsSlotsOverAndNoKeyIsWrittenByTwoReplicasAtOnce() {
    OperatorProcesses processes = processes("shard-sigterm");
    String ns = processes.namespace();
    SlotLeases ring = new SlotLeases(admin, ns);
    List<Replica> replicas = processes.start(3);
    Map<Integer, String> before = ring.awaitBalanced(replicas, SETTLE);
    createAndReconcile(ns, 0, CLUSTERS);
    Replica leaving = replicas.get(0);
    List<Replica> survivors = replicas.subList(1, 3);
    Set<Integer> itsSlots = slotsOf(before, leaving);

    // Reconciles in flight across the handoff: every cluster changes just before the signal.
    IntStream.range(0, CLUSTERS).forEach(i -> Clusters.scale(admin, ns, clusterName(i), 2));
    List<Double> takeoversBefore = survivors.stream().map(ShardedReplicasIT::takeovers).toList();
    Instant signalled = Instant.now();
    leaving.terminate();
    assertThat(leaving.awaitExit(EXIT)).as("exit code after SIGTERM").isZero();
    Map<Integer, String> after = ring.awaitBalanced(survivors, SETTLE);
    IntStream.range(0, CLUSTERS).forEach(i -> Clusters.awaitReconciled(admin, ns, clusterName(i)));
    String moved = clusterIn(ns, itsSlots, CLUSTERS);
    Clusters.scale(admin, ns, moved, 3);
    Clusters.awaitReconciled(admin, ns, moved);

    assertThat(survivors.stream().map(ShardedReplicasIT::takeovers).toList())
        .as("slots the survivors took over from a member gone (rather than by handoff) after a graceful stop")
        .isEqualTo(takeoversBefore);
    Map<String, List<Write>> writes = KeyWrites.read(server.audit(), ns, Instant.EPOCH);
    writes.forEach((cluster, of) -> assertThat(KeyWrites.interleaved(of))
        .as("writes for %s by a replica after another replica had written it; all: %s", cluster, of).isEmpty());
    for (int slot : itsSlots) {
      assertThat(after.get(slot)).as("holder of slot %d", slot).doesNotStartWith(leaving.identity() + "-");
      Request handoff = lastLeaseWrite(leaving, SlotLeases.slotLease(slot), signalled)
          .orElseThrow(() -> new AssertionError(leaving + " wrote no handoff of slot " + slot + " after SIGTERM"));
      for (String cluster : clustersIn(ns, Set.of(slot), CLUSTERS + 1)) {
        assertThat(writes.getOrDefault(cluster, List.of()))
            .filteredOn(w -> w.replica().equals(leaving.identity()))
            .as("writes of %s for %s (slot %d), all before its handoff at %s", leaving, cluster, slot,
                handoff.received())
            .allSatisfy(w -> assertThat(w.received()).isBefore(handoff.received()));
      }
    }
  }

  @Test
  void theSlotsOfAKilledReplicaAreTakenOnlyAfterItsMemberLeaseExpiredAndEveryClusterIsReconciled() {
    OperatorProcesses processes = processes("shard-sigkill");
    String ns = processes.namespace();
    SlotLeases ring = new SlotLeases(admin, ns);
    List<Replica> replicas = processes.start(3);
    Map<Integer, String> before = ring.awaitBalanced(replicas, SETTLE);
    createAndReconcile(ns, 0, CLUSTERS);
    Replica killed = replicas.get(2);
    List<Replica> survivors = replicas.subList(0, 2);
    String member = before.get(slotsOf(before, killed).iterator().next());

    Instant kill = Instant.now();
    killed.kill();
    killed.awaitExit(EXIT);
    IntStream.range(0, CLUSTERS).forEach(i -> Clusters.scale(admin, ns, clusterName(i), 2));
    ring.awaitBalanced(survivors, SETTLE);
    IntStream.range(0, CLUSTERS).forEach(i -> Clusters.awaitReconciled(admin, ns, clusterName(i)));

    Request lastRenew = lastLeaseWrite(killed, SlotLeases.memberLease(member), Instant.EPOCH)
        .orElseThrow(() -> new AssertionError(killed + " never wrote its member Lease " + member));
    Map<String, List<Write>> writes = KeyWrites.read(server.audit(), ns, kill);
    for (int slot : slotsOf(before, killed)) {
      Request takeover = leaseWrites(SlotLeases.slotLease(slot), kill).stream()
          .filter(r -> !r.userAgent().startsWith(killed.identity() + "/")).findFirst()
          .orElseThrow(() -> new AssertionError("nobody took slot " + slot + " after " + killed + " was killed"));
      assertThat(takeover.received()).as("slot %d taken (%s by %s) a lease duration after %s last renewed at %s",
          slot, takeover, takeover.userAgent(), member, lastRenew.received())
          .isAfter(lastRenew.received().plus(LEASE_DURATION));
      for (String cluster : clustersIn(ns, Set.of(slot), CLUSTERS)) {
        assertThat(writes.getOrDefault(cluster, List.of())).filteredOn(w -> !w.replica().equals(killed.identity()))
            .as("writes for %s (slot %d) by the survivors after the kill", cluster, slot)
            .isNotEmpty()
            .allSatisfy(w -> assertThat(w.received()).isAfter(takeover.received()));
      }
    }
  }

  @Test
  void theSlotsOfAKilledReplicaReportedTerminatedByTheKubeletAreTakenBeforeItsMemberLeaseExpires() {
    String ns = "shard-reported";
    Clusters.createNamespace(admin, ns);
    // A long lease, so that a takeover before it expires can only come from the kubelet's report.
    OperatorProcesses processes = failover.processes(admin, server.kubeconfigYaml(), ns, List.of(
        "--lease-duration=60s", "--renew-deadline=40s", "--retry-period=2s", "--shards=" + SlotLeases.SLOTS))
        .withKubelet();
    SlotLeases ring = new SlotLeases(admin, ns);
    List<Replica> replicas = processes.start(3);
    Map<Integer, String> before = ring.awaitBalanced(replicas, SETTLE);
    Replica killed = replicas.get(2);
    String member = before.get(slotsOf(before, killed).iterator().next());
    String moved = clusterIn(ns, slotsOf(before, killed), CLUSTERS);
    Clusters.create(admin, ns, moved);
    Clusters.awaitReconciled(admin, ns, moved);
    Request lastRenew = lastLeaseWrite(killed, SlotLeases.memberLease(member), Instant.EPOCH)
        .orElseThrow(() -> new AssertionError(killed + " never wrote its member Lease " + member));
    Instant expiry = lastRenew.received().plus(Duration.ofSeconds(60));

    processes.crash(killed);
    ring.awaitBalanced(replicas.subList(0, 2), SETTLE);
    Clusters.scale(admin, ns, moved, 2);
    Clusters.awaitReconciled(admin, ns, moved);

    assertThat(Instant.now()).as("slots taken and a moved cluster reconciled before %s's member Lease expired", member)
        .isBefore(expiry);
    assertThat(replicas.subList(0, 2)).anySatisfy(survivor -> assertThat(survivor.log().contains(line ->
        line.message().contains("member " + member + " reaped without waiting for its Lease to expire: container"
            + " operator of pod " + ns + "/" + killed.identity() + " terminated"))).isTrue());
  }

  @Test
  void scalingFromThreeToFiveToTwoReplicasKeepsEverySlotOwnedByALiveReplicaAndBalanced() {
    OperatorProcesses processes = processes("shard-scale");
    String ns = processes.namespace();
    SlotLeases ring = new SlotLeases(admin, ns);
    List<Replica> three = processes.start(3);
    ring.awaitBalanced(three, SETTLE);
    createAndReconcile(ns, 0, 10);

    List<Replica> five = new ArrayList<>(three);
    five.addAll(processes.add(2));
    ring.awaitBalanced(five, SETTLE);
    editAndReconcile(ns, 10, 2);
    createAndReconcile(ns, 10, 12);

    List<Replica> leaving = five.subList(0, 3);
    leaving.forEach(Replica::terminate);
    for (Replica replica : leaving) {
      assertThat(replica.awaitExit(EXIT)).as("exit code of %s after SIGTERM", replica).isZero();
    }
    ring.awaitBalanced(five.subList(3, 5), SETTLE);
    editAndReconcile(ns, 12, 3);
    createAndReconcile(ns, 12, 14);
  }

  // ---- helpers ----

  private static void createAndReconcile(String ns, int from, int to) {
    IntStream.range(from, to).forEach(i -> Clusters.create(admin, ns, clusterName(i)));
    IntStream.range(from, to).forEach(i -> Clusters.awaitReconciled(admin, ns, clusterName(i)));
  }

  private static void editAndReconcile(String ns, int count, int instances) {
    IntStream.range(0, count).forEach(i -> Clusters.scale(admin, ns, clusterName(i), instances));
    IntStream.range(0, count).forEach(i -> Clusters.awaitReconciled(admin, ns, clusterName(i)));
  }

  private static Set<Integer> slotsOf(Map<Integer, String> holders, Replica replica) {
    Set<Integer> slots = new TreeSet<>();
    holders.forEach((slot, holder) -> {
      if (SlotLeases.isMemberOf(holder, replica)) {
        slots.add(slot);
      }
    });
    return slots;
  }

  private static List<String> clustersIn(String ns, Set<Integer> slots, int count) {
    return IntStream.range(0, count).mapToObj(KeyWrites::clusterName)
        .filter(name -> slots.contains(SlotLeases.slotOf(ns, name))).toList();
  }

  private static String clusterIn(String ns, Set<Integer> slots, int count) {
    return clustersIn(ns, slots, count).stream().findFirst()
        .orElseThrow(() -> new AssertionError("none of " + count + " clusters falls in slots " + slots));
  }

  /** Slots {@code replica} took from a holder that was no live member: after an expiry, never after a handoff. */
  private static double takeovers(Replica replica) {
    return replica.sample("controller_sharding_slot_transitions_total", "reason", "takeover").orElse(0);
  }

  /** Successful writes of the Lease {@code name} by any replica received from {@code from} on. */
  private static List<Request> leaseWrites(String name, Instant from) {
    return server.audit().requests("replica-", from, Instant.MAX).stream()
        .filter(r -> r.isLease() && r.isWrite() && r.name().equals(name) && r.code() / 100 == 2)
        .toList();
  }

  private static java.util.Optional<Request> lastLeaseWrite(Replica replica, String name, Instant from) {
    return leaseWrites(name, from).stream().filter(r -> r.userAgent().startsWith(replica.identity() + "/"))
        .reduce((first, second) -> second);
  }
}
