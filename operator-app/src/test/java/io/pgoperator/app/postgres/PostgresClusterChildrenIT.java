package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.pgoperator.api.v1alpha1.Conditions;
import io.pgoperator.api.v1alpha1.Phase;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.children.ChildMeta;
import io.pgoperator.app.postgres.children.ClusterTls;
import io.pgoperator.app.postgres.children.CredentialsSecret;
import io.pgoperator.app.postgres.children.InternalCredentials;
import io.pgoperator.app.postgres.children.PostgresConfig;
import io.pgoperator.app.postgres.children.PostgresStatefulSet;
import io.pgoperator.app.postgres.tls.CertificateAuthority;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A minimal and a full cluster on the real API server: exactly the expected children, owned. */
class PostgresClusterChildrenIT extends OperatorOnEnvtest {

  @Test
  void aMinimalClusterGetsASecretAConfigMapTwoServicesAndAStatefulSet() throws Exception {
    op = OperatorHarness.start("pgc-minimal", Duration.ZERO);
    PostgresCluster cluster = op.create(Clusters.minimalToCreate("demo"));

    PostgresCluster reconciled = op.awaitReconciled("demo");

    assertThat(op.managedChildren()).isEqualTo(Map.of(
        "ConfigMap", List.of("demo-config", "demo-state"),
        "PodDisruptionBudget", List.of(),
        "Secret", List.of("demo-ca", "demo-credentials", "demo-internal-credentials", "demo-server-tls"),
        "Service", List.of("demo-pods", "demo-rw"),
        "StatefulSet", List.of("demo")));
    PostgresCluster live = op.cluster("demo");
    assertCovers(DesiredChildren.of(live, Observed.nothing()).config(), op.configMap("demo-config"));
    assertCovers(DesiredChildren.of(live, Observed.nothing()).headless(), op.service("demo-pods"));
    assertCovers(DesiredChildren.of(live, Observed.nothing()).readWrite(), op.service("demo-rw"));
    assertCovers(DesiredChildren.of(live, Observed.nothing()).statefulSet(), op.statefulSet("demo"));

    StatefulSet sts = op.statefulSet("demo");
    assertThat(sts.getSpec().getReplicas()).isEqualTo(1);
    assertThat(sts.getSpec().getServiceName()).isEqualTo("demo-pods");
    assertThat(sts.getSpec().getSelector().getMatchLabels()).isEqualTo(ChildMeta.podSelector("demo"));
    Container postgres = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(postgres.getImage()).isEqualTo("postgres:17");
    assertThat(postgres.getReadinessProbe().getExec().getCommand())
        .containsExactly("bash", "/opt/pg-operator/probe.sh", "ready");
    assertThat(postgres.getLivenessProbe().getExec().getCommand()).contains("live");
    assertThat(sts.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(sts.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser()).isEqualTo(999L);
    assertThat(sts.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry(
        PostgresStatefulSet.CONFIG_HASH_ANNOTATION,
        PostgresConfig.restartHash(op.configMap("demo-config")));
    PersistentVolumeClaim claim = sts.getSpec().getVolumeClaimTemplates().get(0);
    assertThat(claim.getMetadata().getName()).isEqualTo("data");
    assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("1Gi"));
    assertThat(claim.getSpec().getStorageClassName()).isNull();
    assertThat(sts.getMetadata().getAnnotations())
        .containsEntry(DesiredChildren.POSTGRES_VERSION_ANNOTATION, "17");

    Service rw = op.service("demo-rw");
    assertThat(rw.getSpec().getSelector()).containsEntry(ChildMeta.ROLE_LABEL, ChildMeta.ROLE_PRIMARY);
    assertThat(rw.getSpec().getPorts()).singleElement()
        .satisfies(p -> assertThat(p.getPort()).isEqualTo(5432));
    assertThat(op.service("demo-pods").getSpec().getClusterIP()).isEqualTo("None");

    Secret secret = op.secret("demo-credentials");
    assertThat(secret.getData()).containsOnlyKeys(CredentialsSecret.USERNAME, CredentialsSecret.PASSWORD,
        CredentialsSecret.DATABASE, CredentialsSecret.HOST, CredentialsSecret.PORT, CredentialsSecret.URI,
        CredentialsSecret.SSLMODE, CredentialsSecret.CA_CERT);
    CertificateAuthority authority = ClusterTls.authority(op.secret("demo-ca"));
    assertThat(CredentialsSecret.value(secret, CredentialsSecret.CA_CERT)).isEqualTo(authority.certificatePem());
    Secret serverTls = op.secret("demo-server-tls");
    assertThat(serverTls.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(ClusterTls.current(op.cluster("demo"), serverTls, authority, Instant.now())).isPresent();
    assertThat(op.secret("demo-internal-credentials").getData()).containsOnlyKeys(
        InternalCredentials.REPLICATION_USERNAME, InternalCredentials.REPLICATION_PASSWORD,
        InternalCredentials.OPERATOR_USERNAME, InternalCredentials.OPERATOR_PASSWORD);
    assertThat(CredentialsSecret.value(secret, CredentialsSecret.USERNAME)).isEqualTo("demo");
    assertThat(CredentialsSecret.value(secret, CredentialsSecret.PASSWORD)).hasSize(32);

    assertThat(reconciled.getStatus().getPhase()).isEqualTo(Phase.PROVISIONING);
    assertThat(reconciled.getStatus().getInstances()).isEqualTo(1);
    assertThat(reconciled.getStatus().getReadyInstances()).isZero();
    assertThat(reconciled.getStatus().getPrimaryService()).isEqualTo("demo-rw");
    assertThat(reconciled.getStatus().getReplicaService()).isNull();
    assertThat(reconciled.getStatus().getSecretName()).isEqualTo("demo-credentials");
    assertThat(Conditions.find(reconciled.getStatus().getConditions(), Conditions.READY).orElseThrow()
        .getReason()).isEqualTo(ClusterStatus.REASON_INSTANCES_NOT_READY);

    for (HasMetadata child : List.of(op.configMap("demo-config"), op.configMap("demo-state"), op.secret("demo-credentials"),
        op.secret("demo-internal-credentials"), op.secret("demo-ca"), op.secret("demo-server-tls"),
        op.service("demo-pods"), op.service("demo-rw"), op.statefulSet("demo"))) {
      assertOwnedBy(child, cluster.getMetadata().getName(), op.cluster("demo").getMetadata().getUid());
    }
    assertThat(op.events("demo", "Normal", "Created")).extracting(e -> e.getMessage())
        .containsExactlyInAnyOrder("Created Secret demo-ca", "Created Secret demo-internal-credentials",
            "Created Secret demo-credentials", "Created Secret demo-server-tls", "Created ConfigMap demo-config",
            "Created ConfigMap demo-state",
            "Created Service demo-pods", "Created Service demo-rw", "Created StatefulSet demo");
  }

  @Test
  void aFullClusterAlsoGetsAReadOnlyServiceAndADisruptionBudget() throws Exception {
    op = OperatorHarness.start("pgc-full", Duration.ZERO);
    op.create(Clusters.fullToCreate("orders"));

    PostgresCluster reconciled = op.awaitReconciled("orders");

    assertThat(op.managedChildren()).isEqualTo(Map.of(
        "ConfigMap", List.of("orders-config", "orders-state"),
        "PodDisruptionBudget", List.of("orders"),
        "Secret", List.of("orders-ca", "orders-credentials", "orders-internal-credentials", "orders-server-tls"),
        "Service", List.of("orders-pods", "orders-ro", "orders-rw"),
        "StatefulSet", List.of("orders")));
    DesiredChildren desired = DesiredChildren.of(reconciled, Observed.nothing());
    assertCovers(desired.config(), op.configMap("orders-config"));
    assertCovers(desired.readOnly().orElseThrow(), op.service("orders-ro"));
    assertCovers(desired.statefulSet(), op.statefulSet("orders"));
    assertCovers(desired.disruptionBudget().orElseThrow(), op.disruptionBudget("orders"));

    StatefulSet sts = op.statefulSet("orders");
    assertThat(sts.getSpec().getReplicas()).isEqualTo(3);
    Container postgres = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(postgres.getImage()).isEqualTo("postgres:16");
    assertThat(postgres.getResources().getRequests())
        .containsEntry("cpu", new Quantity("500m")).containsEntry("memory", new Quantity("1Gi"));
    assertThat(postgres.getResources().getLimits()).containsEntry("memory", new Quantity("2Gi"));
    assertThat(sts.getSpec().getVolumeClaimTemplates().get(0).getSpec().getStorageClassName())
        .isEqualTo("standard");
    assertThat(sts.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity()
        .getPreferredDuringSchedulingIgnoredDuringExecution()).singleElement()
        .satisfies(term -> assertThat(term.getPodAffinityTerm().getTopologyKey())
            .isEqualTo("kubernetes.io/hostname"));
    assertThat(op.configMap("orders-config").getData().get(PostgresConfig.POSTGRESQL_CONF))
        .contains("max_connections = '200'").contains("shared_buffers = '256MB'");
    Service ro = op.service("orders-ro");
    assertThat(ro.getSpec().getSelector()).containsAllEntriesOf(ChildMeta.podSelector("orders"))
        .containsEntry(ChildMeta.ROLE_LABEL, ChildMeta.ROLE_REPLICA);
    PodDisruptionBudget pdb = op.disruptionBudget("orders");
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(ChildMeta.podSelector("orders"));
    assertThat(CredentialsSecret.value(op.secret("orders-credentials"), CredentialsSecret.USERNAME))
        .isEqualTo("orders_app");
    assertThat(reconciled.getStatus().getReplicaService()).isEqualTo("orders-ro");
    assertThat(reconciled.getStatus().getInstances()).isEqualTo(3);
  }

  @Test
  void statusFollowsTheStatefulSetsReadyReplicas() throws Exception {
    op = OperatorHarness.start("pgc-status", Duration.ZERO);
    op.create(Clusters.fullToCreate("orders"));
    op.awaitReconciled("orders");

    assertThat(op.configMap("orders-state").getData()).as("no database exists yet: the recorded primary only")
        .isEqualTo(Map.of("primary", "orders-0", "epoch", "1"));
    assertThat(op.cluster("orders").getStatus().getInitialised()).isNull();

    op.setReadyReplicas("orders", 1);
    PostgresCluster one = op.await("1 ready instance", () -> op.cluster("orders"),
        c -> Integer.valueOf(1).equals(c.getStatus().getReadyInstances()));
    assertThat(one.getStatus().getPhase()).isEqualTo(Phase.PROVISIONING);
    assertThat(one.getStatus().getInitialised()).as("a Ready instance means the database exists").isTrue();
    assertThat(op.await("the state the primary reads before it initialises", () -> op.configMap("orders-state"),
        cm -> cm.getData().containsKey("initialised")).getData()).containsEntry("initialised", "true");
    assertThat(Conditions.isTrue(one.getStatus().getConditions(), Conditions.READY)).isFalse();

    op.setReadyReplicas("orders", 3);
    PostgresCluster all = op.awaitCondition("orders", Conditions.READY, Conditions.TRUE,
        ClusterStatus.REASON_INSTANCES_READY);
    assertThat(all.getStatus().getPhase()).isEqualTo(Phase.RUNNING);
    assertThat(all.getStatus().getReadyInstances()).isEqualTo(3);
    String readySince = Conditions.find(all.getStatus().getConditions(), Conditions.READY).orElseThrow()
        .getLastTransitionTime();

    op.setReadyReplicas("orders", 0);
    PostgresCluster down = op.await("no instance ready", () -> op.cluster("orders"),
        c -> Integer.valueOf(0).equals(c.getStatus().getReadyInstances()));
    assertThat(down.getStatus().getInitialised()).as("once initialised, for good").isTrue();
    assertThat(op.configMap("orders-state")).isNotNull();

    op.setReadyReplicas("orders", 2);
    PostgresCluster degraded = op.await("Degraded with 2 ready", () -> op.cluster("orders"),
        c -> Phase.DEGRADED.equals(c.getStatus().getPhase()) && Integer.valueOf(2).equals(c.getStatus().getReadyInstances()));
    assertThat(degraded.getStatus().getReadyInstances()).isEqualTo(2);
    assertThat(Conditions.find(degraded.getStatus().getConditions(), Conditions.READY).orElseThrow()
        .getMessage()).isEqualTo("2 of 3 instances ready");
    assertThat(Conditions.find(degraded.getStatus().getConditions(), Conditions.RECONCILED).orElseThrow()
        .getLastTransitionTime()).isLessThanOrEqualTo(readySince);
  }

  @Test
  void instanceZeroRefusingAnEmptiedVolumeIsReportedAsConditionAndWarning() throws Exception {
    op = OperatorHarness.start("pgc-emptied", Duration.ZERO);
    op.create(Clusters.fullToCreate("orders"));
    op.awaitReconciled("orders");
    op.setReadyReplicas("orders", 1);
    op.await("initialised", () -> op.cluster("orders"), c -> Boolean.TRUE.equals(c.getStatus().getInitialised()));

    // Playing the kubelet: instance 0's container ended with the instance script's refusal.
    Pod pod = op.client.pods().inNamespace(op.namespace).resource(new PodBuilder()
        .withNewMetadata().withName("orders-0").withLabels(ChildMeta.labels("orders", ChildMeta.COMPONENT_DATABASE))
        .endMetadata()
        .withNewSpec().addNewContainer().withName("postgres").withImage("postgres:16").endContainer().endSpec()
        .build()).create();
    pod.setStatus(PrimaryVolumeCheckTest.instanceZero(PrimaryVolumeCheckTest.REFUSAL, "back-off 10s").getStatus());
    op.client.pods().inNamespace(op.namespace).resource(pod).updateStatus();
    op.setReadyReplicas("orders", 0);

    PostgresCluster reported = op.awaitCondition("orders", Conditions.READY, Conditions.FALSE,
        PrimaryVolumeCheck.REASON);
    assertThat(Conditions.find(reported.getStatus().getConditions(), Conditions.READY).orElseThrow().getMessage())
        .contains("Refusing to create a new, empty database");
    op.await("a Warning event", () -> op.events("orders", "Warning", PrimaryVolumeCheck.REASON), e -> !e.isEmpty());
  }

  @Test
  void reconcilingAnUnchangedClusterMakesNoRequestAtAll() throws Exception {
    op = OperatorHarness.start("pgc-idem", Duration.ofSeconds(1));
    op.create(Clusters.fullToCreate("orders"));
    op.awaitReconciled("orders");
    op.setReadyReplicas("orders", 3);
    op.awaitCondition("orders", Conditions.READY, Conditions.TRUE, ClusterStatus.REASON_INSTANCES_READY);
    // The status write above triggers one more reconcile; a resync follows within a second.
    op.awaitReconciles(2);
    Map<String, String> versions = op.resourceVersions("orders");
    int events = op.events("orders").size();
    double errors = op.errors();

    Map<String, Double> before = op.apiRequests();
    assertThat(before).as("the API server counts the operator's creates").containsKeys("POST", "PUT");
    op.awaitReconciles(3);
    Map<String, Double> after = op.apiRequests();

    assertThat(after).as("requests for the operator's kinds during three resync reconciles")
        .isEqualTo(before);
    assertThat(op.resourceVersions("orders")).isEqualTo(versions);
    assertThat(op.events("orders")).hasSize(events);
    assertThat(op.errors()).isEqualTo(errors);
  }

  @Test
  void everyChildIsGarbageCollectableAndDeletingTheClusterMakesTheOperatorDeleteNothing() throws Exception {
    op = OperatorHarness.start("pgc-delete", Duration.ZERO);
    op.create(Clusters.fullToCreate("orders"));
    op.awaitReconciled("orders");
    String uid = op.cluster("orders").getMetadata().getUid();
    Map<String, String> versions = op.childVersions();

    for (HasMetadata child : List.of(op.configMap("orders-config"), op.secret("orders-credentials"),
        op.service("orders-pods"), op.service("orders-rw"), op.service("orders-ro"),
        op.statefulSet("orders"), op.disruptionBudget("orders"))) {
      assertOwnedBy(child, "orders", uid);
    }
    // Volumes hold the data: the StatefulSet keeps its PVCs when deleted or scaled down.
    assertThat(op.statefulSet("orders").getSpec().getPersistentVolumeClaimRetentionPolicy())
        .satisfies(p -> {
          assertThat(p.getWhenDeleted()).isEqualTo("Retain");
          assertThat(p.getWhenScaled()).isEqualTo("Retain");
        });

    double reconciles = op.reconciles();
    op.client.resource(op.cluster("orders")).delete();
    op.await("the cluster to be gone", () -> op.cluster("orders") == null, gone -> gone);
    op.awaitReconciles(reconciles, 1);

    // envtest runs no garbage collector: what is left is what the operator left.
    assertThat(op.childVersions()).isEqualTo(versions);
  }

  private static void assertCovers(HasMetadata desired, HasMetadata actual) {
    assertThat(actual).as(desired.getKind() + " " + desired.getMetadata().getName()).isNotNull();
    assertThat(Drift.differences(Drift.tree(desired), Drift.tree(actual)))
        .as("fields of %s %s that differ from what the builder sets", desired.getKind(),
            desired.getMetadata().getName())
        .isEmpty();
  }

  static void assertOwnedBy(HasMetadata child, String cluster, String uid) {
    assertThat(child.getMetadata().getLabels())
        .containsEntry(ChildMeta.MANAGED_BY, ChildMeta.OPERATOR)
        .containsEntry(ChildMeta.INSTANCE, cluster);
    List<OwnerReference> refs = child.getMetadata().getOwnerReferences();
    assertThat(refs).as("owner references of %s %s", child.getKind(), child.getMetadata().getName())
        .singleElement().satisfies(ref -> {
          assertThat(ref.getApiVersion()).isEqualTo(PostgresCluster.API_VERSION);
          assertThat(ref.getKind()).isEqualTo(PostgresCluster.KIND);
          assertThat(ref.getName()).isEqualTo(cluster);
          assertThat(ref.getUid()).isEqualTo(uid);
          assertThat(ref.getController()).isTrue();
          assertThat(ref.getBlockOwnerDeletion()).isTrue();
        });
  }
}
