package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.children.ChildMeta;
import io.pgoperator.app.postgres.children.ChildNames;
import io.pgoperator.app.postgres.children.CredentialsSecret;
import io.pgoperator.app.postgres.local.InstanceKubelet;
import io.pgoperator.app.postgres.local.PostgresBinaries;
import io.pgoperator.app.postgres.local.Psql;
import io.pgoperator.app.postgres.replication.InstanceAddresses;
import io.pgoperator.runtime.testing.Await;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link InstanceKubelet} plays the StatefulSet controller, the kubelet and kube-proxy for the
 * operator's cluster on a real API server: the operator's StatefulSet becomes Ready pods in the API
 * server running real PostgreSQL, the Services route to them (the operator itself reaches the
 * primary through {@code -rw}), a crashed container is restarted, a deleted pod is stopped and
 * recreated on its volume, a pod whose node is down is not Ready until the node is back, a
 * scale-down removes the pod above the replicas, and a Service that selects nothing refuses
 * connections.
 */
class InstanceKubeletIT extends OperatorOnEnvtest {

  private static final Duration START = Duration.ofMinutes(2);

  private final AtomicReference<InstanceKubelet> kubelet = new AtomicReference<>();

  @RegisterExtension
  final AfterTestExecutionCallback printLogs = context -> {
    if (context.getExecutionException().isPresent() && kubelet.get() != null) {
      System.out.println(kubelet.get().pods().logTails());
      kubelet.get().failures().forEach(Throwable::printStackTrace);
    }
  };

  @AfterEach
  void stopPods() {
    if (kubelet.get() != null) {
      kubelet.get().close();
    }
  }

  @Test
  void runsTheOperatorsStatefulSetAndRoutesItsServices() throws Exception {
    op = OperatorHarness.start("kubelet", Duration.ZERO,
        (cluster, pod) -> new InstanceAddresses.Address("127.0.0.1",
            kubelet.get().podPort(ChildNames.ordinal(cluster.getMetadata().getName(), pod))));
    PostgresBinaries binaries = PostgresBinaries.newest();
    InstanceKubelet k = new InstanceKubelet(op.client, op.namespace, "shop", binaries);
    kubelet.set(k);
    PostgresCluster spec = Clusters.minimal("shop");
    spec.getSpec().setInstances(2);
    spec.getMetadata().setUid(null);
    spec.getMetadata().setResourceVersion(null);
    op.create(spec);

    // The StatefulSet controller and the kubelet: pods as the real ones look, Ready, counted.
    k.awaitReady(0, START);
    Pod one = k.awaitReady(1, START);
    StatefulSet statefulSet = op.await("readyReplicas=2", () -> op.statefulSet("shop"),
        s -> s.getStatus() != null && Integer.valueOf(2).equals(s.getStatus().getReadyReplicas()));
    assertThat(statefulSet.getStatus().getObservedGeneration()).isEqualTo(statefulSet.getMetadata().getGeneration());
    assertThat(statefulSet.getStatus().getReplicas()).isEqualTo(2);
    assertThat(statefulSet.getStatus().getCurrentReplicas()).isEqualTo(2);
    assertThat(statefulSet.getStatus().getAvailableReplicas()).isEqualTo(2);
    assertThat(one.getMetadata().getLabels())
        .containsAllEntriesOf(statefulSet.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry(ChildMeta.POD_NAME_LABEL, "shop-1")
        .containsEntry(InstanceKubelet.REVISION_LABEL, statefulSet.getStatus().getUpdateRevision());
    assertThat(one.getMetadata().getAnnotations())
        .containsAllEntriesOf(statefulSet.getSpec().getTemplate().getMetadata().getAnnotations());
    assertThat(one.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(owner -> {
          assertThat(owner.getKind()).isEqualTo("StatefulSet");
          assertThat(owner.getUid()).isEqualTo(statefulSet.getMetadata().getUid());
          assertThat(owner.getController()).isTrue();
        });
    assertThat(one.getSpec().getNodeName()).isEqualTo(InstanceKubelet.NODE_NAME);
    assertThat(one.getSpec().getHostname()).isEqualTo("shop-1");
    assertThat(one.getSpec().getSubdomain()).isEqualTo("shop-pods");
    assertThat(one.getStatus().getPhase()).isEqualTo("Running");
    assertThat(one.getStatus().getPodIP()).isEqualTo("127.0.0.1");
    assertThat(container(one).getReady()).isTrue();
    assertThat(container(one).getState().getRunning()).isNotNull();

    // kube-proxy: the application writes through -rw and reads through -ro, over verified TLS.
    Secret app = op.secret("shop-credentials");
    Path ca = Files.writeString(Files.createTempFile("shop-ca-", ".crt"), CredentialsSecret.value(app, CredentialsSecret.CA_CERT));
    try {
      List<String> tls = List.of("sslmode=verify-full", "sslrootcert=" + ca);
      Psql readWrite = application(binaries, app, k.service("shop-rw").getPort());
      Psql readOnly = application(binaries, app, k.service("shop-ro").getPort());
      readWrite.run("CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1)", tls).value();
      assertThat(readWrite.run("SELECT pg_is_in_recovery()", tls).value()).isEqualTo("f");
      // -ro selects the instances labelled replica: the standby, never the primary.
      Await.until("reads through -ro reach the standby, with the row", START,
          () -> "true:1".equals(readOnly.run("SELECT pg_is_in_recovery()::text || ':' || count(*) FROM items", tls)
              .output().strip()));
      Set<String> answers = new HashSet<>();
      for (int read = 0; read < 6; read++) {
        answers.add(readOnly.run("SELECT pg_is_in_recovery()::text || ':' || count(*) FROM items", tls).value());
      }
      assertThat(answers).containsExactly("true:1");

      // A crash: the kubelet reports it and restarts the container.
      k.crash(0);
      Pod crashed = op.await("shop-0 reported terminated and not Ready", () -> k.pod(0),
          p -> container(p).getState().getTerminated() != null && !ready(p));
      assertThat(container(crashed).getState().getTerminated().getExitCode()).isEqualTo(137);
      assertThat(container(crashed).getState().getTerminated().getFinishedAt()).isNotNull();
      Pod restarted = k.awaitReady(0, START);
      assertThat(container(restarted).getRestartCount()).isEqualTo(1);
      assertThat(container(restarted).getLastState().getTerminated().getExitCode()).isEqualTo(137);
      assertThat(restarted.getMetadata().getUid()).isEqualTo(crashed.getMetadata().getUid());

      // A deleted pod: stopped, confirmed, recreated under its name on its volume, streaming again.
      k.awaitReady(1, START);
      String oldUid = k.pod(1).getMetadata().getUid();
      op.client.pods().inNamespace(op.namespace).withName("shop-1").delete();
      Pod recreated = op.await("shop-1 recreated", () -> k.pod(1), p -> !oldUid.equals(p.getMetadata().getUid()));
      assertThat(Files.readString(k.pods().log(1))).as("the old pod's fast shutdown").contains("database system is shut down");
      assertThat(recreated.getMetadata().getLabels()).containsEntry(ChildMeta.POD_NAME_LABEL, "shop-1");
      k.awaitReady(1, START);
      Psql superuser = k.pods().superuser(0);
      Await.until("shop-1 streams again", START, () -> "streaming".equals(
          superuser.run("SELECT state FROM pg_stat_replication WHERE application_name = 'shop-1'").output().strip()));
      readWrite.run("INSERT INTO items VALUES (2)", tls).value();
      Psql standby = new Psql(binaries, k.pods().superuser(1).host(), k.podPort(1), "postgres", null, "shop");
      Await.until("shop-1 has the new row", START,
          () -> "2".equals(standby.run("SELECT count(*) FROM items").output().strip()));
    } finally {
      Files.delete(ca);
    }

    // shop-1's node goes down and comes back: not Ready meanwhile, then its container restarted.
    int restarts = container(k.awaitReady(1, START)).getRestartCount();
    k.hold(1);
    Pod down = op.await("shop-1 not Ready, its node down", () -> k.pod(1), p -> !ready(p));
    assertThat(down.getStatus().getConditions()).filteredOn(c -> "Ready".equals(c.getType())).singleElement()
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("NodeNotReady"));
    assertThat(k.pods().isRunning(1)).isFalse();
    k.release(1);
    assertThat(container(k.awaitReady(1, START)).getRestartCount()).isEqualTo(restarts + 1);

    // Scaled down: the pod above the new replicas is stopped and removed.
    op.editCluster("shop", c -> {
      c.getSpec().setInstances(1);
      return c;
    });
    op.await("shop-1 removed", () -> k.pod(1) == null ? "gone" : null, gone -> true);
    op.await("the StatefulSet's status counts one pod", () -> op.statefulSet("shop"),
        s -> s.getStatus() != null && Integer.valueOf(1).equals(s.getStatus().getReplicas())
            && Integer.valueOf(1).equals(s.getStatus().getReadyReplicas())
            && s.getMetadata().getGeneration().equals(s.getStatus().getObservedGeneration()));
    assertThat(k.pods().isRunning(1)).isFalse();

    // A Service that selects no Ready pod: its connections are refused at once.
    op.client.services().inNamespace(op.namespace).resource(new ServiceBuilder()
        .withNewMetadata().withName("shop-nobody").withLabels(Map.of(ChildMeta.INSTANCE, "shop")).endMetadata()
        .withNewSpec().withType("ClusterIP").withSelector(Map.of(ChildMeta.POD_NAME_LABEL, "shop-9"))
        .addNewPort().withPort(5432).endPort().endSpec()
        .build()).create();
    try (Socket socket = new Socket()) {
      long start = System.nanoTime();
      // Closed (end of stream) or reset, right after the connect or already during it.
      Throwable refused = catchThrowable(() -> {
        socket.connect(k.service("shop-nobody"), 2000);
        socket.setSoTimeout(5000);
        InputStream in = socket.getInputStream();
        assertThat(in.read()).isEqualTo(-1);
      });
      assertThat(refused).satisfiesAnyOf(t -> assertThat(t).isNull(), t -> assertThat(t).isInstanceOf(SocketException.class));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    assertThat(k.failures()).isEmpty();
  }

  private static Psql application(PostgresBinaries binaries, Secret app, int port) {
    return new Psql(binaries, "127.0.0.1", port, CredentialsSecret.value(app, CredentialsSecret.USERNAME),
        CredentialsSecret.value(app, CredentialsSecret.PASSWORD), CredentialsSecret.value(app, CredentialsSecret.DATABASE));
  }

  private static ContainerStatus container(Pod pod) {
    return pod.getStatus().getContainerStatuses().get(0);
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
