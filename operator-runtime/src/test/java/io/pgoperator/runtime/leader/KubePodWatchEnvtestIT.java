package io.pgoperator.runtime.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.runtime.kube.KubeClients;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import io.pgoperator.runtime.testing.ServiceAccountTokens;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The standby's watch on the holder's Pod, on a real API server: reports, re-targeting, and no access. */
@ExtendWith(EnvtestDiagnostics.class)
class KubePodWatchEnvtestIT {

  private final Envtest server = Envtest.get();
  private Vertx vertx;
  private KubernetesClient client;
  private String namespace;
  private final List<String> reports = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    namespace = server.createNamespace("podwatch");
    if (server.client().serviceAccounts().inNamespace(namespace).withName("default").get() == null) {
      server.client().serviceAccounts().inNamespace(namespace)
          .resource(new ServiceAccountBuilder().withNewMetadata().withName("default").endMetadata().build()).create();
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
    if (client != null) {
      client.close();
    }
  }

  private KubePodWatch watch(KubernetesClient using, HolderPod pod) {
    KubePodWatch watch = new KubePodWatch(using);
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      watch.start(p -> reports.add(p == null ? "gone" : p.getMetadata().getName() + " " + phase(p)));
      watch.follow(pod);
    });
    return watch;
  }

  private Pod createPod(String name) {
    return server.client().pods().inNamespace(namespace).resource(new PodBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withNodeName("local-node").withAutomountServiceAccountToken(false)
        .addNewContainer().withName("operator").withImage("pg-operator:local").endContainer().endSpec()
        .build()).create();
  }

  @Test
  void reportsTheFollowedPodsStatusAndItsDeletionAndNothingElse() {
    Pod leader = createPod("leader");
    createPod("bystander");
    client = KubeClients.create(vertx, server.config());
    watch(client, new HolderPod(namespace, "leader", leader.getMetadata().getUid(), "operator"));
    Await.until("the Pod is reported", () -> reports.contains("leader Pending"));

    server.client().pods().inNamespace(namespace).resource(new PodBuilder(leader).editOrNewStatus().withPhase("Running")
        .withContainerStatuses(new ContainerStatusBuilder().withName("operator").withNewState().withNewTerminated()
            .withExitCode(137).withFinishedAt("2026-11-30T10:00:00Z").endTerminated().endState().build())
        .endStatus().build()).updateStatus();
    Await.until("its status change is reported", () -> reports.contains("leader Running"));
    server.client().pods().inNamespace(namespace).withName("leader").withGracePeriod(0).delete();
    Await.until("its deletion is reported", () -> reports.contains("gone"));
    assertThat(reports).noneMatch(r -> r.startsWith("bystander"));
  }

  @Test
  void withoutReadAccessToPodsItSaysSoOnceAndStopsInsteadOfRetrying() {
    // A token that may do anything in another namespace, nothing in this one.
    String elsewhere = server.createNamespace("podwatch-other");
    String token = ServiceAccountTokens.namespaceAdmin(server.client(), server.config(), elsewhere, "no-pods-here",
        Duration.ofMinutes(10));
    client = KubeClients.create(vertx, new ConfigBuilder(server.config()).withClientCertData(null)
        .withClientKeyData(null).withClientCertFile(null).withClientKeyFile(null).withOauthToken(token).build());
    Pod leader = createPod("leader");
    KubePodWatch watch = watch(client, new HolderPod(namespace, "leader", leader.getMetadata().getUid(), "operator"));

    Await.until("the refusal is noticed", watch::forbidden);
    assertThat(reports).as("nothing reported: crash takeover falls back to the Lease's expiry").isEmpty();
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null ? "Pending" : Objects.requireNonNullElse(pod.getStatus().getPhase(), "Pending");
  }
}
