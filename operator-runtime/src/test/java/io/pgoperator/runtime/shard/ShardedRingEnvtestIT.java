package io.pgoperator.runtime.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.pgoperator.runtime.OperatorRuntime;
import io.pgoperator.runtime.RuntimeOptions;
import io.pgoperator.runtime.controller.ControllerVerticle;
import io.pgoperator.runtime.http.BindAddress;
import io.pgoperator.runtime.leader.LeaderElectionConfig;
import io.pgoperator.runtime.leader.LeaderTerm;
import io.pgoperator.runtime.reconcile.ReconcileScope;
import io.pgoperator.runtime.reconcile.Request;
import io.pgoperator.runtime.reconcile.Result;
import io.pgoperator.runtime.source.InformerSource;
import io.pgoperator.runtime.source.KeyMapper;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * In-process replicas of the production runtime, sharded, on a real API server: how they split
 * the slots, who writes each key, a graceful handoff, and the mode guard between sharded and
 * single-leader replicas. Their controller reconciles ConfigMaps {@code in-*} by writing {@code
 * out-*} with the writer's replica name and slot term. The fat-jar processes and the audit log
 * are in operator-app's sharding tests.
 */
@ExtendWith(EnvtestDiagnostics.class)
class ShardedRingEnvtestIT {

  private static final String RING = "ring-test";
  private static final int SLOTS = 16;

  private final Envtest server = Envtest.get();
  private final String namespace = server.createNamespace("shard");
  private final Map<String, OperatorRuntime> running = new LinkedHashMap<>();

  @AfterEach
  void stopAll() throws Exception {
    for (OperatorRuntime runtime : running.values()) {
      runtime.stop().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void threeReplicasShareTheSlotsEvenlyAndEachKeyIsWrittenOnlyByItsSlotsOwner() throws Exception {
    for (String name : List.of("alpha", "bravo", "charlie")) {
      start(name, true);
    }
    awaitBalanced(List.of("alpha", "bravo", "charlie"));
    List<String> keys = IntStream.range(0, 24).mapToObj(i -> "k" + i).toList();
    keys.forEach(this::createIn);
    for (String key : keys) {
      String writer = Await.value("out-" + key + " written", () -> writerOf(key), w -> w != null);
      assertThat(replicaOf(writer)).as("writer of %s", key).isEqualTo(owningReplica(key));
    }
  }

  @Test
  void aReplicaThatStopsHandsItsSlotsToTheOthersWhoReconcileThem() throws Exception {
    for (String name : List.of("alpha", "bravo", "charlie")) {
      start(name, true);
    }
    awaitBalanced(List.of("alpha", "bravo", "charlie"));
    List<Integer> leaving = ownedSlots("bravo");
    double handoffsBefore = handoffsReceived("alpha") + handoffsReceived("charlie");

    running.remove("bravo").stop().await(30, TimeUnit.SECONDS);

    // Every slot named a survivor, each given over by bravo's handoff (no takeover after expiry).
    awaitBalanced(List.of("alpha", "charlie"));
    assertThat(handoffsReceived("alpha") + handoffsReceived("charlie") - handoffsBefore)
        .isGreaterThanOrEqualTo(leaving.size());
    // A key of one of bravo's former slots is reconciled by its new owner.
    String key = IntStream.range(0, 1000).mapToObj(i -> "moved" + i)
        .filter(k -> leaving.contains(SlotHash.slotOf(new Request(namespace, "in-" + k), SLOTS))).findFirst()
        .orElseThrow();
    createIn(key);
    String writer = Await.value("out-" + key + " written", () -> writerOf(key), w -> w != null);
    assertThat(replicaOf(writer)).isEqualTo(owningReplica(key)).isIn("alpha", "charlie");
  }

  @Test
  void aShardedReplicaWaitsForALiveSingleLeaderToGoAndASingleLeaderNeverLeadsBesideMembers() throws Exception {
    OperatorRuntime single = start("single", false);
    Await.until("the single-leader replica leads", () -> single.leadership().isLeader());
    OperatorRuntime sharded = start("sharded", true);
    Await.until("the sharded replica reports itself blocked",
        () -> metric(sharded, "controller_sharding_blocked{") == 1);
    assertThat(ownedSlots("sharded")).isEmpty();

    running.remove("single").stop().await(30, TimeUnit.SECONDS);
    Await.until("the sharded replica owns every slot", () -> ownedSlots("sharded").size() == SLOTS);

    OperatorRuntime late = start("late-single", false);
    // Observed for two lease durations: the Lease stays free and the members keep their slots.
    long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
    while (System.nanoTime() - until < 0) {
      assertThat(late.leadership().isLeader()).isFalse();
      assertThat(ownedSlots("sharded")).hasSize(SLOTS);
      Thread.sleep(200);
    }
  }

  // ---- replicas ----

  private OperatorRuntime start(String name, boolean sharded) throws Exception {
    Config config = server.config();
    LeaderElectionConfig lease = LeaderElectionConfig.of(namespace, RING)
        .withTimings(Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofSeconds(1)).withIdentity(name);
    RuntimeOptions options = new RuntimeOptions(BindAddress.parse("127.0.0.1:0"), BindAddress.parse("127.0.0.1:0"),
        Optional.of(lease), List.of(namespace), 2, Duration.ZERO, Duration.ofSeconds(10), Duration.ofMinutes(1),
        sharded ? Optional.of(new ShardingConfig(lease, SLOTS, Duration.ofSeconds(2))) : Optional.empty());
    OperatorRuntime runtime = OperatorRuntime.start(options, config, context -> {
      InformerSource<ConfigMap> configMaps =
          new InformerSource<>(context.client(), ConfigMap.class, List.of(namespace), KeyMapper.self());
      return List.of(new ControllerVerticle(context.controllerOptions("shard-test"), configMaps, List.of(),
          request -> {
            if (!request.name().startsWith("in-") || configMaps.get(request) == null) {
              return Future.succeededFuture(Result.done());
            }
            LeaderTerm term = ReconcileScope.current().term();
            return context.calls().write("write out", client -> client.configMaps().inNamespace(namespace)
                    .resource(new ConfigMapBuilder().withNewMetadata()
                        .withName("out-" + request.name().substring(3)).endMetadata()
                        .addToData("writer", name + " " + term).build())
                    .createOr(NonDeletingOperation::update))
                .map(written -> Result.done());
          }, context.ownership(), context.registry()));
    }).await(60, TimeUnit.SECONDS);
    running.put(name, runtime);
    return runtime;
  }

  private void awaitBalanced(List<String> names) {
    int floor = SLOTS / names.size();
    int ceil = (SLOTS + names.size() - 1) / names.size();
    Await.until("slots spread over " + names + " (" + floor + " or " + ceil + " each), as the Leases say", () -> {
      int total = 0;
      for (String name : names) {
        int owned = ownedSlots(name).size();
        if (owned < floor || owned > ceil) {
          return false;
        }
        total += owned;
      }
      return total == SLOTS && slotHolders().values().stream().allMatch(names::contains);
    });
  }

  private List<Integer> ownedSlots(String name) {
    OperatorRuntime runtime = running.get(name);
    List<Integer> owned = new ArrayList<>();
    for (int slot = 0; slot < SLOTS; slot++) {
      LeaderTerm term = runtime.ownership().termFor(slot);
      if (term != null && term.isValid()) {
        owned.add(slot);
      }
    }
    return owned;
  }

  /** Slot → the replica its Lease names (member identities are the replica's name plus a suffix). */
  private Map<Integer, String> slotHolders() {
    Map<Integer, String> holders = new LinkedHashMap<>();
    for (Lease lease : server.client().leases().inNamespace(namespace)
        .withLabel(RingLease.ROLE_LABEL, RingLease.ROLE_SLOT).list().getItems()) {
      String holder = lease.getSpec().getHolderIdentity();
      holders.put(Integer.parseInt(lease.getMetadata().getAnnotations().get(RingLease.SLOT_ANNOTATION)),
          holder == null || holder.isEmpty() ? "" : holder.substring(0, holder.lastIndexOf('-')));
    }
    return holders;
  }

  private String owningReplica(String key) {
    return slotHolders().get(SlotHash.slotOf(new Request(namespace, "in-" + key), SLOTS));
  }

  private double handoffsReceived(String name) {
    return metric(running.get(name), "controller_sharding_slot_transitions_total{name=\"" + RING
        + "\",reason=\"handoff\"}");
  }

  private static double metric(OperatorRuntime runtime, String prefix) {
    return runtime.scrapeMetrics().lines().filter(line -> line.startsWith(prefix))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  private static String replicaOf(String writer) {
    return writer.substring(0, writer.indexOf(' '));
  }

  private void createIn(String key) {
    server.client().configMaps().inNamespace(namespace)
        .resource(new ConfigMapBuilder().withNewMetadata().withName("in-" + key).endMetadata().build()).create();
  }

  private String writerOf(String key) {
    ConfigMap out = server.client().configMaps().inNamespace(namespace).withName("out-" + key).get();
    return out == null || out.getData() == null ? null : out.getData().get("writer");
  }
}
