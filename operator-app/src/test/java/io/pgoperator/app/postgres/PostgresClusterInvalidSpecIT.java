package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgoperator.api.v1alpha1.Conditions;
import io.pgoperator.api.v1alpha1.Phase;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.app.postgres.children.ClusterTls;
import io.pgoperator.app.postgres.children.CredentialsSecret;
import io.pgoperator.app.postgres.tls.CertificateAuthority;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bad input loses nothing. What the CRD can reject, the API server rejects; what it cannot
 * (checks against the running StatefulSet, parameter values, strict image references), the
 * controller reports as InvalidSpec with a Warning event, touches nothing and does not retry.
 */
class PostgresClusterInvalidSpecIT extends OperatorOnEnvtest {

  @Test
  void theApiServerRejectsWhatTheSchemaCanCatch() throws Exception {
    op = OperatorHarness.start("pgc-crd", Duration.ZERO);
    PostgresCluster ownedParameter = Clusters.minimalToCreate("owned");
    ownedParameter.getSpec().setParameters(Map.of("port", "5433"));
    assertRejected(() -> op.create(ownedParameter), "operator-owned settings");

    PostgresCluster badImage = Clusters.minimalToCreate("image");
    badImage.getSpec().setImage("Postgres:17");
    assertRejected(() -> op.create(badImage), "spec.image");

    op.create(Clusters.fullToCreate("orders"));
    assertRejected(() -> op.editCluster("orders", c -> {
      c.getSpec().getStorage().setSize("5Gi");
      return c;
    }), "storage.size cannot shrink");
    assertRejected(() -> op.editCluster("orders", c -> {
      c.getSpec().setPostgresVersion(15);
      return c;
    }), "postgresVersion cannot be downgraded");
  }

  @Test
  void aParameterValueSpanningLinesIsRefusedOnceAndTheRunningClusterIsLeftAlone() throws Exception {
    op = OperatorHarness.start("pgc-param", Duration.ZERO);
    op.create(Clusters.fullToCreate("orders"));
    op.awaitReconciled("orders");
    Map<String, String> children = op.childVersions();
    double terminal = op.terminalErrors();
    double retries = op.retries();

    op.editCluster("orders", c -> {
      c.getSpec().setInstances(5);
      c.getSpec().setParameters(Map.of("work_mem", "8MB\nport = 1"));
      return c;
    });

    PostgresCluster refused = awaitInvalidSpec("orders");
    // The status write makes one more reconcile: refused again, its event deduplicated.
    Await.until("two terminal reconciles", () -> op.terminalErrors() >= terminal + 2);
    String message = "Invalid spec, children left unchanged: spec.parameters.work_mem contains a"
        + " line break or NUL character; put the value on one line";
    assertThat(Conditions.find(refused.getStatus().getConditions(), Conditions.READY).orElseThrow()
        .getMessage()).isEqualTo(message);
    assertThat(refused.getStatus().getReadyInstances()).isZero();
    assertThat(refused.getStatus().getInstances()).as("what the StatefulSet still has").isEqualTo(3);
    assertThat(op.events("orders", "Warning", "InvalidSpec")).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).isEqualTo(message));
    assertThat(op.childVersions()).isEqualTo(children);
    assertThat(op.retries()).isEqualTo(retries);

    op.editCluster("orders", c -> {
      c.getSpec().setParameters(Map.of("work_mem", "8MB"));
      return c;
    });
    op.awaitReconciled("orders");
    assertThat(op.statefulSet("orders").getSpec().getReplicas()).isEqualTo(5);
  }

  @Test
  void anImageReferenceTheSchemaLetsThroughIsRefusedBeforeAnythingIsCreated() throws Exception {
    op = OperatorHarness.start("pgc-image", Duration.ZERO);
    PostgresCluster cluster = Clusters.minimalToCreate("demo");
    cluster.getSpec().setImage("-bad-.example.com/postgres:17");
    double terminal = op.terminalErrors();
    op.create(cluster);

    PostgresCluster refused = awaitInvalidSpec("demo");

    assertThat(Conditions.find(refused.getStatus().getConditions(), Conditions.RECONCILED).orElseThrow()
        .getMessage()).contains("spec.image '-bad-.example.com/postgres:17' is not a valid image reference")
        .contains("registry host '-bad-.example.com'");
    assertThat(refused.getStatus().getInstances()).isZero();
    assertThat(refused.getStatus().getSecretName()).isNull();
    assertThat(op.managedChildren().values()).allSatisfy(names -> assertThat(names).isEmpty());
    assertRefusedOnce("demo", terminal);
  }

  /**
   * The API server compares a spec with the previous PostgresCluster only. Delete the cluster
   * while its children stay (kubectl delete --cascade=orphan; envtest has no garbage collector
   * at all) and create it again smaller: only the controller can see the volumes are larger.
   */
  @Test
  void aClusterRecreatedWithSmallerStorageIsRefusedUntilItFitsTheVolumesThenAdoptsTheChildren() throws Exception {
    op = OperatorHarness.start("pgc-shrink", Duration.ZERO);
    PostgresCluster original = Clusters.minimalToCreate("demo");
    original.getSpec().getStorage().setSize("2Gi");
    op.create(original);
    op.awaitReconciled("demo");
    String oldUid = op.cluster("demo").getMetadata().getUid();
    double terminal = op.terminalErrors();
    recreate("demo", c -> c.getSpec().getStorage().setSize("1Gi"));
    Map<String, String> children = op.childVersions();

    PostgresCluster refused = awaitInvalidSpec("demo");

    assertThat(Conditions.find(refused.getStatus().getConditions(), Conditions.READY).orElseThrow()
        .getMessage()).contains("spec.storage.size 1Gi is smaller than the 2Gi volumes of the existing"
            + " StatefulSet " + op.namespace + "/demo").contains("set spec.storage.size to 2Gi or more");
    assertThat(op.childVersions()).isEqualTo(children);
    assertThat(op.statefulSet("demo").getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo(oldUid);
    assertRefusedOnce("demo", terminal);

    op.editCluster("demo", c -> {
      c.getSpec().getStorage().setSize("2Gi");
      return c;
    });
    op.awaitReconciled("demo");
    String newUid = op.cluster("demo").getMetadata().getUid();
    for (var child : List.of(op.statefulSet("demo"), op.configMap("demo-config"), op.secret("demo-credentials"),
        op.service("demo-rw"), op.service("demo-pods"))) {
      PostgresClusterChildrenIT.assertOwnedBy(child, "demo", newUid);
    }
  }

  @Test
  void aClusterRecreatedWithAnOlderMajorVersionIsRefused() throws Exception {
    op = OperatorHarness.start("pgc-downgrade", Duration.ZERO);
    op.create(Clusters.minimalToCreate("demo"));
    op.awaitReconciled("demo");
    double terminal = op.terminalErrors();
    double retries = op.retries();
    recreate("demo", c -> c.getSpec().setPostgresVersion(16));
    Map<String, String> children = op.childVersions();

    PostgresCluster refused = awaitInvalidSpec("demo");

    assertThat(Conditions.find(refused.getStatus().getConditions(), Conditions.RECONCILED).orElseThrow()
        .getMessage()).contains("spec.postgresVersion 16 is older than 17")
        .contains("set spec.postgresVersion to 17 or more");
    assertRefusedOnce("demo", terminal);
    assertThat(op.retries()).isEqualTo(retries);
    assertThat(op.childVersions()).isEqualTo(children);
    assertThat(op.statefulSet("demo").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("postgres:17");
  }

  @Test
  void aFailingWriteIsReportedAndRetriedNotGivenUpOn() throws Exception {
    op = OperatorHarness.start("pgc-denied", Duration.ZERO);
    try (var denial = ServiceCreateDenial.install(op)) {
      double terminal = op.terminalErrors();
      double retries = op.retries();
      op.create(Clusters.minimalToCreate("demo"));

      PostgresCluster failing = op.awaitCondition("demo", Conditions.RECONCILED, Conditions.FALSE,
          ClusterStatus.REASON_RECONCILE_ERROR);

      assertThat(Conditions.find(failing.getStatus().getConditions(), Conditions.RECONCILED).orElseThrow()
          .getMessage()).startsWith("create Service " + op.namespace + "/demo-pods failed: 422 Invalid:")
          .contains(ServiceCreateDenial.MESSAGE);
      assertThat(failing.getStatus().getPhase()).isEqualTo(Phase.PENDING);
      List<Event> warnings = op.await("a ReconcileError event",
          () -> op.events("demo", "Warning", "ReconcileError"), events -> !events.isEmpty());
      assertThat(warnings).singleElement().satisfies(e -> assertThat(e.getMessage()).contains("demo-pods"));
      Await.until("retries", () -> op.retries() >= retries + 2);
      assertThat(op.terminalErrors()).isEqualTo(terminal);
      assertThat(op.managedChildren().get("Secret")).containsExactly("demo-ca", "demo-credentials",
          "demo-internal-credentials", "demo-server-tls");
    }
    op.awaitReconciled("demo");
    assertThat(op.managedChildren().get("Service")).containsExactly("demo-pods", "demo-rw");
  }

  private PostgresCluster awaitInvalidSpec(String name) {
    PostgresCluster refused = op.awaitCondition(name, Conditions.RECONCILED, Conditions.FALSE,
        ClusterStatus.REASON_INVALID_SPEC);
    assertThat(refused.getStatus().getPhase()).isEqualTo(Phase.FAILED);
    assertThat(Conditions.find(refused.getStatus().getConditions(), Conditions.READY).orElseThrow())
        .satisfies(ready -> {
          assertThat(ready.getStatus()).isEqualTo(Conditions.FALSE);
          assertThat(ready.getReason()).isEqualTo(ClusterStatus.REASON_INVALID_SPEC);
        });
    return refused;
  }

  /**
   * The refusal's status write makes one more reconcile, refused again: two terminal errors,
   * one Warning event (the second is deduplicated).
   */
  private void assertRefusedOnce(String name, double terminalBefore) {
    Await.until("two terminal reconciles", () -> op.terminalErrors() >= terminalBefore + 2);
    assertThat(op.events(name, "Warning", "InvalidSpec")).hasSize(1);
  }

  /** Deletes the cluster, leaving its children, and creates it again with a changed spec. */
  private void recreate(String name, java.util.function.Consumer<PostgresCluster> change) {
    PostgresCluster old = op.cluster(name);
    double reconciles = op.reconciles();
    op.client.resource(old).delete();
    op.await(name + " gone", () -> op.cluster(name) == null, gone -> gone);
    op.awaitReconciles(reconciles, 1);
    PostgresCluster again = new PostgresCluster();
    again.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
    again.setSpec(old.getSpec());
    change.accept(again);
    op.create(again);
  }

  private static void assertRejected(Runnable write, String message) {
    assertThatThrownBy(write::run).isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining(message);
  }

  @Test
  void aDamagedCaSecretIsReportedAndDeletingItIssuesANewCaAndCertificate() throws Exception {
    op = OperatorHarness.start("pgc-ca", Duration.ZERO);
    op.create(Clusters.minimalToCreate("demo"));
    op.awaitReconciled("demo");
    String firstCa = CredentialsSecret.value(op.secret("demo-credentials"), CredentialsSecret.CA_CERT);

    op.client.secrets().inNamespace(op.namespace).withName("demo-ca").edit(secret -> {
      secret.getData().put(ClusterTls.CA_KEY, java.util.Base64.getEncoder().encodeToString("not a key".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      return secret;
    });
    PostgresCluster failing = op.awaitCondition("demo", Conditions.RECONCILED, Conditions.FALSE,
        ClusterStatus.REASON_RECONCILE_ERROR);
    assertThat(Conditions.find(failing.getStatus().getConditions(), Conditions.RECONCILED).orElseThrow().getMessage())
        .contains("demo-ca holds no usable CA", "delete it");
    op.await("a ReconcileError event", () -> op.events("demo", "Warning", "ReconcileError"), e -> !e.isEmpty());

    op.client.secrets().inNamespace(op.namespace).withName("demo-ca").delete();
    op.await("a new CA in the application's Secret", () -> op.secret("demo-credentials"),
        s -> !firstCa.equals(CredentialsSecret.value(s, CredentialsSecret.CA_CERT)));
    op.awaitReconciled("demo");
    CertificateAuthority renewed = ClusterTls.authority(op.secret("demo-ca"));
    assertThat(ClusterTls.current(op.cluster("demo"), op.secret("demo-server-tls"), renewed, Instant.now()))
        .as("the server certificate is reissued by the new CA").isPresent();
  }
}
