package io.pgoperator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the API server will enforce, read back from the generated CRD. */
class CrdSchemaTest {

  private final CustomResourceDefinition crd = GeneratedCrd.generated();
  private final CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
  private final JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
  private final JSONSchemaProps spec = root.getProperties().get("spec");

  @Test
  void namesGroupVersionAndScope() {
    assertThat(crd.getMetadata().getName()).isEqualTo("postgresclusters.postgres.example.com")
        .isEqualTo(PostgresCluster.CRD_NAME);
    assertThat(crd.getSpec().getGroup()).isEqualTo("postgres.example.com");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("PostgresCluster");
    assertThat(crd.getSpec().getNames().getPlural()).isEqualTo("postgresclusters");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("pgc");
    assertThat(crd.getSpec().getVersions()).singleElement().satisfies(v -> {
      assertThat(v.getName()).isEqualTo("v1alpha1");
      assertThat(v.getServed()).isTrue();
      assertThat(v.getStorage()).isTrue();
    });
  }

  @Test
  void statusIsASubresourceSoSpecWritesCannotClobberIt() {
    assertThat(version.getSubresources()).isNotNull();
    assertThat(version.getSubresources().getStatus()).isNotNull();
  }

  @Test
  void printerColumnsShowInstancesReadyInSyncPhasePrimaryTimelineAndAge() {
    assertThat(version.getAdditionalPrinterColumns())
        .extracting(c -> c.getName(), c -> c.getJsonPath(), c -> c.getType())
        .containsExactlyInAnyOrder(
            tuple("Instances", ".spec.instances", "integer"),
            tuple("Ready", ".status.readyInstances", "integer"),
            tuple("In Sync", ".status.inSyncInstances", "integer"),
            tuple("Phase", ".status.phase", "string"),
            tuple("Primary", ".status.currentPrimary", "string"),
            tuple("Timeline", ".status.timeline", "integer"),
            tuple("Primary Changed", ".status.lastPrimaryChange.completedAt", "date"),
            tuple("Age", ".metadata.creationTimestamp", "date"));
    assertThat(version.getAdditionalPrinterColumns()).filteredOn(c -> c.getName().equals("Primary Changed"))
        .singleElement().satisfies(c -> assertThat(c.getPriority()).as("kubectl get -o wide only").isEqualTo(1));
  }

  @Test
  void failoverHasADurationDelayAndAQuantityMaximumLag() {
    JSONSchemaProps failover = spec.getProperties().get("failover");
    assertThat(failover.getProperties()).containsOnlyKeys("enabled", "delay", "maximumLag");
    assertThat(failover.getProperties().get("enabled").getDefault().asBoolean()).isTrue();
    assertThat(failover.getProperties().get("delay").getPattern()).isEqualTo(FailoverSpec.DURATION_PATTERN);
    assertThat(failover.getProperties().get("delay").getDefault().asText()).isEqualTo("10s");
    assertThat(failover.getProperties().get("maximumLag").getPattern()).isEqualTo(StorageSpec.QUANTITY_PATTERN);
    assertThat("1m30s").matches(FailoverSpec.DURATION_PATTERN);
    assertThat("0s").matches(FailoverSpec.DURATION_PATTERN);
    assertThat("10").doesNotMatch(FailoverSpec.DURATION_PATTERN);
  }

  @Test
  void instancesAreOneToNineDefaultingToOne() {
    JSONSchemaProps instances = spec.getProperties().get("instances");
    assertThat(instances.getType()).isEqualTo("integer");
    assertThat(instances.getMinimum()).isEqualTo(1.0);
    assertThat(instances.getMaximum()).isEqualTo(9.0);
    assertThat(instances.getDefault().asInt()).isEqualTo(1);
  }

  @Test
  void postgresVersionIsFifteenToEighteenDefaultingToSeventeen() {
    JSONSchemaProps v = spec.getProperties().get("postgresVersion");
    assertThat(v.getType()).isEqualTo("integer");
    assertThat(v.getMinimum()).isEqualTo(15.0);
    assertThat(v.getMaximum()).isEqualTo(18.0);
    assertThat(v.getDefault().asInt()).isEqualTo(17);
    assertThat(PostgresVersions.SUPPORTED).containsExactly(15, 16, 17, 18);
  }

  @Test
  void maxStandbyLagIsAQuantityDefaultingTo16Mi() {
    JSONSchemaProps lag = spec.getProperties().get("maxStandbyLag");
    assertThat(lag.getType()).isEqualTo("string");
    assertThat(lag.getPattern()).isEqualTo(StorageSpec.QUANTITY_PATTERN);
    assertThat(lag.getDefault().asText()).isEqualTo("16Mi");
  }

  @Test
  void storageIsRequiredAndItsSizeMustBeAQuantity() {
    assertThat(spec.getRequired()).containsExactly("storage");
    JSONSchemaProps storage = spec.getProperties().get("storage");
    assertThat(storage.getRequired()).containsExactly("size");
    JSONSchemaProps size = storage.getProperties().get("size");
    assertThat(size.getType()).isEqualTo("string");
    assertThat(size.getPattern()).isEqualTo(StorageSpec.QUANTITY_PATTERN);
    assertThat(storage.getProperties()).containsKey("storageClassName");
  }

  @Test
  void databaseAndOwnerMustBePostgresIdentifiersAndHaveNoSchemaDefault() {
    for (String field : List.of("database", "owner")) {
      JSONSchemaProps p = spec.getProperties().get(field);
      assertThat(p.getPattern()).as(field).isEqualTo("^[a-z_][a-z0-9_]{0,62}$");
      assertThat(p.getDefault()).as(field + " default is derived by the controller").isNull();
    }
  }

  @Test
  void imageParametersAndResourcesHaveTheirShapes() {
    assertThat(spec.getProperties().get("image").getPattern())
        .isEqualTo(PostgresClusterSpec.IMAGE_PATTERN);
    JSONSchemaProps parameters = spec.getProperties().get("parameters");
    assertThat(parameters.getAdditionalProperties().getSchema().getType()).isEqualTo("string");
    assertThat(parameters.getMaxProperties()).isEqualTo(128L);
    JSONSchemaProps requests =
        spec.getProperties().get("resources").getProperties().get("requests");
    assertThat(requests.getAdditionalProperties().getSchema().getXKubernetesIntOrString())
        .isTrue();
  }

  @Test
  void transitionRulesRefuseStorageShrinkAndVersionDowngrade() {
    assertThat(rules(spec.getProperties().get("storage")))
        .anySatisfy(r -> assertThat(r).contains("oldSelf.size")
            .contains("quantity(self.size).compareTo(quantity(oldSelf.size)) >= 0"))
        .anySatisfy(r -> assertThat(r).contains("oldSelf.storageClassName"));
    assertThat(rules(spec))
        .contains("self.postgresVersion >= oldSelf.postgresVersion")
        .anySatisfy(r -> assertThat(r).contains("oldSelf.database"))
        .anySatisfy(r -> assertThat(r).contains("oldSelf.owner"));
  }

  @Test
  void parameterRulesRefuseOwnedAndMalformedNames() {
    List<String> rules = rules(spec.getProperties().get("parameters"));
    assertThat(rules).anySatisfy(r -> assertThat(r).contains("k.matches("));
    assertThat(rules).anySatisfy(r -> assertThat(r)
        .contains("'listen_addresses'", "'port'", "'wal_level'", "'primary_conninfo'"));
  }

  @Test
  void theNameMustFitTheChildrenDerivedFromIt() {
    assertThat(rules(root)).singleElement().satisfies(r -> assertThat(r)
        .contains("self.metadata.name.matches(")
        .contains("size(self.metadata.name) <= " + PostgresCluster.MAX_NAME_LENGTH));
  }

  @Test
  void everyRuleExplainsItself() {
    List<ValidationRule> all = new java.util.ArrayList<>(root.getXKubernetesValidations());
    all.addAll(spec.getXKubernetesValidations());
    all.addAll(spec.getProperties().get("storage").getXKubernetesValidations());
    all.addAll(spec.getProperties().get("parameters").getXKubernetesValidations());
    assertThat(all).hasSize(8).allSatisfy(r -> assertThat(r.getMessage()).isNotBlank());
  }

  @Test
  void statusCarriesStandardConditions() {
    JSONSchemaProps status = root.getProperties().get("status");
    assertThat(status.getProperties()).containsKeys("observedGeneration", "phase", "instances",
        "readyInstances", "primaryService", "replicaService", "secretName", "conditions");
    assertThat(status.getProperties().get("conditions").getItems().getSchema().getProperties())
        .containsKeys("type", "status", "reason", "message", "lastTransitionTime",
            "observedGeneration");
  }

  private static List<String> rules(JSONSchemaProps schema) {
    assertThat(schema.getXKubernetesValidations()).as("x-kubernetes-validations").isNotEmpty();
    return schema.getXKubernetesValidations().stream().map(ValidationRule::getRule).toList();
  }
}
