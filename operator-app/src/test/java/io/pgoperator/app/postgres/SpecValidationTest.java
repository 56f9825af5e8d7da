package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.StorageSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecValidationTest {

  @Test
  void aValidSpecHasNoProblemsWithOrWithoutARunningStatefulSet() {
    PostgresCluster cluster = Clusters.full("orders");
    assertThat(SpecValidation.problems(cluster, null)).isEmpty();
    assertThat(SpecValidation.problems(cluster, running(cluster))).isEmpty();
  }

  @Test
  void operatorOwnedParametersAreRefusedByName() {
    PostgresCluster cluster = Clusters.minimal("demo");
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("work_mem", "8MB");
    parameters.put("port", "5433");
    parameters.put("Listen_Addresses", "*");
    cluster.getSpec().setParameters(parameters);
    assertThat(SpecValidation.problems(cluster, null)).containsExactly(
        "spec.parameters.Listen_Addresses is set by the operator; remove it",
        "spec.parameters.port is set by the operator; remove it");
  }

  @Test
  void newClustersCannotTakePostgresqlsOwnRoleAndDatabaseNames() {
    PostgresCluster named = Clusters.minimal("postgres");
    assertThat(SpecValidation.problems(named, null)).containsExactly(
        "the owner 'postgres' is reserved (postgres is the superuser, replicator replicates, pgoperator is the"
            + " operator's, pg_* belong to PostgreSQL), and it is the default for a cluster of this name; set spec.owner to another name",
        "the database 'postgres' exists in every PostgreSQL cluster already (the default for a cluster of"
            + " this name); set spec.database to another name");

    PostgresCluster explicit = Clusters.minimal("demo");
    explicit.getSpec().setOwner("replicator");
    explicit.getSpec().setDatabase("template1");
    assertThat(SpecValidation.problems(explicit, null)).hasSize(2)
        .allSatisfy(problem -> assertThat(problem).doesNotContain("default"));
    explicit.getSpec().setOwner("pgoperator");
    explicit.getSpec().setDatabase("shop");
    assertThat(SpecValidation.problems(explicit, null)).singleElement().asString().startsWith("the owner 'pgoperator'");
    explicit.getSpec().setOwner("pg_monitor");
    explicit.getSpec().setDatabase("shop");
    assertThat(SpecValidation.problems(explicit, null)).singleElement().asString().startsWith("the owner 'pg_monitor'");

    // A running cluster was initialised under the old rules: its names are immutable, so no refusal.
    assertThat(SpecValidation.problems(named, running(named))).isEmpty();
  }

  @Test
  void parameterValuesSpanningLinesAreRefused() {
    PostgresCluster cluster = Clusters.minimal("demo");
    cluster.getSpec().setParameters(Map.of("work_mem", "8MB\nport = 1"));
    assertThat(SpecValidation.problems(cluster, null)).containsExactly(
        "spec.parameters.work_mem contains a line break or NUL character; put the value on one line");
  }

  @Test
  void anInvalidImageReferenceIsRefusedWithAnExample() {
    PostgresCluster cluster = Clusters.minimal("demo");
    cluster.getSpec().setImage("-bad-.example.com/postgres:17");
    assertThat(SpecValidation.problems(cluster, null)).singleElement().asString()
        .startsWith("spec.image '-bad-.example.com/postgres:17' is not a valid image reference")
        .endsWith("use e.g. registry.example.com/postgres:17");
  }

  @Test
  void storageSmallerThanTheExistingVolumesIsRefused() {
    PostgresCluster cluster = Clusters.full("orders");
    StatefulSet existing = running(cluster);
    cluster.getSpec().setStorage(new StorageSpec("5Gi", "standard"));
    assertThat(SpecValidation.problems(cluster, existing)).containsExactly(
        "spec.storage.size 5Gi is smaller than the 10Gi volumes of the existing StatefulSet"
            + " shop/orders, and volumes cannot shrink; set spec.storage.size to 10Gi or more");
  }

  @Test
  void equalOrLargerStorageInAnotherNotationIsAccepted() {
    PostgresCluster cluster = Clusters.full("orders");
    StatefulSet existing = running(cluster);
    cluster.getSpec().setStorage(new StorageSpec("10240Mi", "standard"));
    assertThat(SpecValidation.problems(cluster, existing)).isEmpty();
    cluster.getSpec().setStorage(new StorageSpec("20Gi", "standard"));
    assertThat(SpecValidation.problems(cluster, existing)).isEmpty();
  }

  @Test
  void aMajorVersionOlderThanTheDataIsRefused() {
    PostgresCluster cluster = Clusters.full("orders");
    StatefulSet existing = running(cluster);
    cluster.getSpec().setPostgresVersion(15);
    assertThat(SpecValidation.problems(cluster, existing)).singleElement().asString()
        .startsWith("spec.postgresVersion 15 is older than 16, the major version the data of"
            + " StatefulSet shop/orders was written with")
        .contains("set spec.postgresVersion to 16 or more");
  }

  @Test
  void aMajorUpgradeIsRefusedUntilTheOperatorCanRunPgUpgrade() {
    PostgresCluster cluster = Clusters.full("orders");
    StatefulSet existing = running(cluster);
    cluster.getSpec().setPostgresVersion(17);
    assertThat(SpecValidation.problems(cluster, existing)).singleElement().asString()
        .startsWith("spec.postgresVersion 17 is newer than 16, the major version the data of"
            + " StatefulSet shop/orders was written with")
        .contains("set spec.postgresVersion back to 16");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    PostgresCluster cluster = Clusters.full("orders");
    StatefulSet existing = running(cluster);
    cluster.getSpec().setPostgresVersion(15);
    cluster.getSpec().setStorage(new StorageSpec("1Gi", null));
    cluster.getSpec().setParameters(Map.of("wal_level", "minimal"));
    assertThat(SpecValidation.problems(cluster, existing)).hasSize(3);
  }

  @Test
  void aMissingStorageSizeIsRefused() {
    PostgresCluster cluster = Clusters.minimal("demo");
    cluster.getSpec().setStorage(null);
    assertThat(SpecValidation.problems(cluster, null))
        .containsExactly("spec.storage.size is missing; set it, e.g. 10Gi");
  }

  private static StatefulSet running(PostgresCluster cluster) {
    return DesiredChildren.of(cluster, Observed.nothing()).statefulSet();
  }
}
