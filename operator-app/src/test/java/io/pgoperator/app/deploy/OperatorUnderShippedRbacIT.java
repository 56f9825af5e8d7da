package io.pgoperator.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.api.v1alpha1.Conditions;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.PostgresOperator;
import io.pgoperator.runtime.OperatorRuntime;
import io.pgoperator.runtime.RuntimeOptions;
import io.pgoperator.runtime.http.BindAddress;
import io.pgoperator.runtime.leader.LeaderElectionConfig;
import io.pgoperator.runtime.shard.ShardingConfig;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.EnvtestBinaries;
import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator, started as in production but acting as its ServiceAccount under the shipped
 * RBAC (impersonation on a real API server), wins the Lease in its namespace and reconciles a
 * full PostgresCluster through creation, a scale-down that deletes children, and status, without
 * a single refused request: the RBAC is sufficient; and, sharded under the sharding component's
 * RBAC, owns every slot, reconciles and leaves cleanly. (DeployRbacTest proves it grants nothing
 * more than the operator's code uses.)
 */
@ExtendWith(EnvtestDiagnostics.class)
class OperatorUnderShippedRbacIT {

  private static final String LEASE = "pg-operator-rbac-e2e";

  private final Envtest envtest = Envtest.get();
  private final KubernetesClient admin = envtest.client();
  private OperatorRuntime runtime;

  @AfterEach
  void stop() throws Exception {
    if (runtime != null) {
      runtime.stop().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void winsTheLeaseAndReconcilesAFullClusterWithoutAForbiddenRequest() throws Exception {
    Config asServiceAccount = OperatorServiceAccount.install(admin);
    String namespace = envtest.createNamespace("rbac-e2e");
    LeaderElectionConfig election = LeaderElectionConfig.of(DeployManifests.NAMESPACE, LEASE).withIdentity("rbac-e2e");
    runtime = OperatorRuntime.start(new RuntimeOptions(BindAddress.parse("127.0.0.1:0"),
            BindAddress.parse("127.0.0.1:0"), Optional.of(election), List.of(namespace), 1, Duration.ZERO,
            Duration.ofSeconds(10)), asServiceAccount, PostgresOperator::controllers)
        .await(60, TimeUnit.SECONDS);

    Await.until("the operator holds the Lease in " + DeployManifests.NAMESPACE, () -> {
      Lease lease = admin.resources(Lease.class).inNamespace(DeployManifests.NAMESPACE).withName(LEASE).get();
      return lease != null && "rbac-e2e".equals(lease.getSpec().getHolderIdentity());
    });

    PostgresCluster full;
    try (InputStream in = Files.newInputStream(
        EnvtestBinaries.repositoryRoot().resolve("deploy/samples/postgrescluster-full.yaml"))) {
      full = admin.getKubernetesSerialization().unmarshal(in, PostgresCluster.class);
    }
    full.getMetadata().setNamespace(namespace);
    admin.resource(full).create();
    String name = full.getMetadata().getName();

    Await.until("the full cluster is reconciled (Reconciled=True, all children present)", () -> {
      PostgresCluster cluster = admin.resources(PostgresCluster.class).inNamespace(namespace).withName(name).get();
      return cluster.getStatus() != null && Conditions.isTrue(cluster.getStatus().getConditions(), Conditions.RECONCILED)
          && admin.apps().statefulSets().inNamespace(namespace).withName(name).get() != null
          && admin.policy().v1().podDisruptionBudget().inNamespace(namespace).withName(name).get() != null
          && admin.services().inNamespace(namespace).withName(name + "-ro").get() != null;
    });

    // As kubectl edit is used: tried again when the operator wrote the status in between.
    Await.until("the cluster edited to one instance", () -> {
      try {
        admin.resources(PostgresCluster.class).inNamespace(namespace).withName(name).edit(c -> {
          c.getSpec().setInstances(1);
          return c;
        });
        return true;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        return false;
      }
    });
    Await.until("scaling to one instance deletes the read-only Service and the PDB", () ->
        admin.services().inNamespace(namespace).withName(name + "-ro").get() == null
            && admin.policy().v1().podDisruptionBudget().inNamespace(namespace).withName(name).get() == null);

    // The operator's own Events only: the API server's IP allocator may report a Service it is still
    // repairing (ClusterIPNotAllocated), which says nothing about the operator's permissions.
    List<Event> events = admin.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> e.getSource() != null && "pg-operator".equals(e.getSource().getComponent()))
        .toList();
    assertThat(events).as("the operator recorded its changes as Events").isNotEmpty();
    assertThat(events).as("no Warning event from the operator (a refused request would cause one)")
        .noneMatch(e -> "Warning".equals(e.getType()));
    assertThat(runtime.scrapeMetrics()).as("no reconcile failed")
        .contains("controller_runtime_reconcile_errors_total{controller=\"postgrescluster\"} 0.0");
    assertThat(runtime.leadership().isLeader()).isTrue();
  }

  @Test
  void shardedUnderTheShardingComponentsRbacItOwnsEverySlotReconcilesAndLeavesCleanly() throws Exception {
    Config asServiceAccount = OperatorServiceAccount.install(admin, DeployManifests.sharded());
    Await.until("the sharded Role's delete on leases is in effect", Duration.ofSeconds(30), () ->
        OperatorServiceAccount.allowed(admin, "coordination.k8s.io", "leases", "delete", DeployManifests.NAMESPACE));
    String namespace = envtest.createNamespace("rbac-shard");
    String ring = "pg-operator-rbac-shard";
    LeaderElectionConfig members = LeaderElectionConfig.of(DeployManifests.NAMESPACE, ring).withIdentity("rbac-shard");
    runtime = OperatorRuntime.start(new RuntimeOptions(BindAddress.parse("127.0.0.1:0"),
            BindAddress.parse("127.0.0.1:0"), Optional.of(members), List.of(namespace), 1, Duration.ZERO,
            Duration.ofSeconds(10), RuntimeOptions.DEFAULT_CACHE_SYNC_TIMEOUT,
            Optional.of(new ShardingConfig(members, 4, Duration.ofSeconds(2)))),
            asServiceAccount, PostgresOperator::controllers)
        .await(60, TimeUnit.SECONDS);
    OperatorRuntime sharded = runtime;
    Await.until("the operator owns all 4 slots", () -> IntStream.range(0, 4)
        .allMatch(slot -> sharded.ownership().termFor(slot) != null && sharded.ownership().termFor(slot).isValid()));

    PostgresCluster minimal;
    try (InputStream in = Files.newInputStream(
        EnvtestBinaries.repositoryRoot().resolve("deploy/samples/postgrescluster-minimal.yaml"))) {
      minimal = admin.getKubernetesSerialization().unmarshal(in, PostgresCluster.class);
    }
    minimal.getMetadata().setNamespace(namespace);
    admin.resource(minimal).create();
    String name = minimal.getMetadata().getName();
    Await.until("the cluster is reconciled (Reconciled=True) by its slot's owner", () -> {
      PostgresCluster cluster = admin.resources(PostgresCluster.class).inNamespace(namespace).withName(name).get();
      return cluster.getStatus() != null && Conditions.isTrue(cluster.getStatus().getConditions(), Conditions.RECONCILED)
          && admin.apps().statefulSets().inNamespace(namespace).withName(name).get() != null;
    });
    assertThat(runtime.scrapeMetrics()).as("no reconcile failed")
        .contains("controller_runtime_reconcile_errors_total{controller=\"postgrescluster\"} 0.0");

    runtime.stop().await(30, TimeUnit.SECONDS);
    runtime = null;
    List<Lease> left = admin.resources(Lease.class).inNamespace(DeployManifests.NAMESPACE)
        .withLabel("runtime.pgoperator.io/ring", ring).list().getItems();
    assertThat(left).as("on leaving, the member Lease was deleted and every slot handed to nobody")
        .noneMatch(lease -> lease.getMetadata().getName().startsWith(ring + "-member-"))
        .allSatisfy(lease -> assertThat(lease.getSpec().getHolderIdentity()).isNullOrEmpty());
  }
}
