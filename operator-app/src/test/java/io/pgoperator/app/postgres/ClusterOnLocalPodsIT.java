package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.pgoperator.api.v1alpha1.InstanceStatus;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.children.ChildNames;
import io.pgoperator.app.postgres.children.CredentialsSecret;
import io.pgoperator.app.postgres.local.LocalPods;
import io.pgoperator.app.postgres.local.PostgresBinaries;
import io.pgoperator.app.postgres.local.Psql;
import io.pgoperator.app.postgres.replication.InstanceAddresses;
import io.pgoperator.runtime.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator on a real API server with real PostgreSQL behind it: {@link LocalPods} plays the
 * kubelet (runs the pods the operator's StatefulSet describes, with the Secrets and ConfigMaps it
 * wrote, runs their probes) and the StatefulSet controller (writes the StatefulSet's status). The
 * operator reaches the primary over TLS with its own role, verifying the certificate it issued.
 */
class ClusterOnLocalPodsIT extends OperatorOnEnvtest {

  private static final Duration START = Duration.ofMinutes(2);

  private final AtomicReference<LocalPods> pods = new AtomicReference<>();

  @RegisterExtension
  final AfterTestExecutionCallback printLogs = context -> {
    if (context.getExecutionException().isPresent() && pods.get() != null) {
      System.out.println(pods.get().logTails());
    }
  };

  @AfterEach
  void stopPods() {
    if (pods.get() != null) {
      pods.get().close();
    }
  }

  @Test
  void theStatusSaysWhichInstanceIsInSyncAndAScaleDownDropsTheRemovedStandbysSlot() throws Exception {
    op = OperatorHarness.start("localpods", Duration.ZERO,
        (cluster, pod) -> new InstanceAddresses.Address("127.0.0.1",
            pods.get().port(ChildNames.ordinal(cluster.getMetadata().getName(), pod))));
    PostgresCluster spec = Clusters.minimal("shop");
    spec.getSpec().setInstances(2);
    spec.getMetadata().setUid(null);
    spec.getMetadata().setResourceVersion(null);
    op.create(spec);
    op.await("the operator's StatefulSet", () -> op.statefulSet("shop"), s -> true);
    op.await("the server certificate", () -> op.secret("shop-server-tls"), s -> true);
    LocalPods local = LocalPods.ofOperator(op.cluster("shop"), PostgresBinaries.newest(), op.client);
    pods.set(local);

    local.start(0);
    Await.until("shop-0 is Ready", START, () -> local.readiness(0).passed());
    op.setReadyReplicas("shop", 1);
    local.sync(op.client);
    local.start(1);
    Await.until("shop-1 is Ready", START, () -> local.readiness(1).passed());
    op.setReadyReplicas("shop", 2);

    PostgresCluster running = op.await("both instances in sync", () -> op.cluster("shop"),
        c -> c.getStatus() != null && Integer.valueOf(2).equals(c.getStatus().getInSyncInstances()));
    assertThat(running.getStatus().getMembers()).extracting(InstanceStatus::getName, InstanceStatus::getRole,
            InstanceStatus::getInSync)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("shop-0", "primary", true),
            org.assertj.core.groups.Tuple.tuple("shop-1", "standby", true));
    assertThat(running.getStatus().getMembers().get(1).getMessage()).isEqualTo("streaming");
    assertThat(running.getStatus().getSystemIdentifier())
        .isEqualTo(local.superuser(0).value("SELECT system_identifier FROM pg_control_system()"));

    Secret app = op.secret("shop-credentials");
    Path ca = Files.writeString(Files.createTempFile("shop-ca-", ".crt"), CredentialsSecret.value(app, CredentialsSecret.CA_CERT));
    try {
      Psql application = new Psql(PostgresBinaries.newest(), "127.0.0.1", local.port(0),
          CredentialsSecret.value(app, CredentialsSecret.USERNAME), CredentialsSecret.value(app, CredentialsSecret.PASSWORD),
          CredentialsSecret.value(app, CredentialsSecret.DATABASE));
      assertThat(application.run("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
          List.of("sslmode=" + CredentialsSecret.value(app, CredentialsSecret.SSLMODE), "sslrootcert=" + ca)).value())
          .as("the Secret's sslmode and ca.crt verify the server").isEqualTo("t");
      assertThat(application.run("SELECT 1", List.of("sslmode=disable")).output()).contains("no encryption");
    } finally {
      Files.delete(ca);
    }

    local.stop(1);
    op.setReadyReplicas("shop", 1);
    PostgresCluster degraded = op.await("shop-1 reported out of sync", () -> op.cluster("shop"),
        c -> Integer.valueOf(1).equals(c.getStatus().getInSyncInstances()));
    assertThat(degraded.getStatus().getMembers().get(1).getInSync()).isFalse();
    assertThat(degraded.getStatus().getMembers().get(1).getMessage()).contains("not streaming from the primary");
    assertThat(local.superuser(0).value("SELECT active FROM pg_replication_slots WHERE slot_name = 'shop_1'"))
        .as("an absent standby keeps its slot while it belongs to the cluster").isEqualTo("f");

    op.editCluster("shop", c -> {
      c.getSpec().setInstances(1);
      return c;
    });
    op.await("the StatefulSet scaled down", () -> op.statefulSet("shop"), s -> s.getSpec().getReplicas() == 1);
    op.setReadyReplicas("shop", 1);
    Await.until("shop-1's slot is dropped", START,
        () -> "0".equals(local.superuser(0).value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'shop_1'")));
    op.await("a Normal event says so", () -> op.events("shop", "Normal", ReplicationObserver.REASON_SLOT_DROPPED),
        events -> !events.isEmpty());
    // The event is recorded during the reconcile, the status written at its end: wait for that.
    PostgresCluster scaled = op.await("the status lists only shop-0", () -> op.cluster("shop"),
        c -> c.getStatus() != null && c.getStatus().getMembers() != null && c.getStatus().getMembers().size() == 1);
    assertThat(scaled.getStatus().getMembers()).extracting(InstanceStatus::getName).containsExactly("shop-0");
  }
}
