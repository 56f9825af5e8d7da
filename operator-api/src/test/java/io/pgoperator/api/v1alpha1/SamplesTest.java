package io.pgoperator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SamplesTest {

  private final JSONSchemaProps schema = GeneratedCrd.rootSchema();

  @Test
  void minimalSampleIsADemoClusterWithOneGigabyteAndDefaults() {
    String yaml = sample("postgrescluster-minimal.yaml");
    PostgresCluster pc = Serialization.unmarshal(yaml, PostgresCluster.class);

    assertThat(pc.getApiVersion()).isEqualTo(PostgresCluster.API_VERSION);
    assertThat(pc.getKind()).isEqualTo(PostgresCluster.KIND);
    assertThat(pc.getMetadata().getName()).isEqualTo("demo");
    assertThat(pc.getSpec().getStorage()).isEqualTo(new StorageSpec("1Gi", null));
    assertThat(pc.getSpec().getInstances()).isEqualTo(1);
    assertThat(pc.getSpec().getPostgresVersion()).isEqualTo(17);
    assertThat(PostgresVersions.imageFor(pc.getSpec())).isEqualTo("postgres:17");
    assertThat(SchemaCheck.violations(schema, asMap(yaml))).isEmpty();
  }

  @Test
  void fullSampleIsAThreeInstanceOrdersClusterOnSixteen() {
    String yaml = sample("postgrescluster-full.yaml");
    PostgresCluster pc = Serialization.unmarshal(yaml, PostgresCluster.class);
    PostgresClusterSpec spec = pc.getSpec();

    assertThat(pc.getMetadata().getName()).isEqualTo("orders");
    assertThat(spec.getInstances()).isEqualTo(3);
    assertThat(spec.getPostgresVersion()).isEqualTo(16);
    assertThat(PostgresVersions.imageFor(spec)).isEqualTo("postgres:16");
    assertThat(spec.getStorage().getSize()).isEqualTo("10Gi");
    assertThat(spec.getStorage().getStorageClassName()).isNotBlank();
    assertThat(spec.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(spec.getResources().getLimits()).containsEntry("memory", new Quantity("2Gi"));
    assertThat(spec.getDatabase()).isEqualTo("orders");
    assertThat(spec.getOwner()).isEqualTo("orders_app");
    assertThat(spec.getParameters())
        .containsEntry("max_connections", "200")
        .containsEntry("shared_buffers", "256MB");
    assertThat(SchemaCheck.violations(schema, asMap(yaml))).isEmpty();
  }

  @Test
  void schemaCheckCatchesWhatTheApiServerWouldRefuse() {
    Map<String, Object> bad = asMap("""
        apiVersion: postgres.example.com/v1alpha1
        kind: PostgresCluster
        metadata: {name: bad}
        spec:
          instances: 10
          postgresVersion: 14
          image: "Not An Image"
          storage: {size: "1 GB"}
          owner: Bob
          parameters: {max_connections: 200}
        """);

    List<String> violations = SchemaCheck.violations(schema, bad);

    assertThat(violations).hasSize(6).anySatisfy(v -> assertThat(v).startsWith(".spec.instances"))
        .anySatisfy(v -> assertThat(v).startsWith(".spec.postgresVersion"))
        .anySatisfy(v -> assertThat(v).startsWith(".spec.image"))
        .anySatisfy(v -> assertThat(v).startsWith(".spec.storage.size"))
        .anySatisfy(v -> assertThat(v).startsWith(".spec.owner"))
        .anySatisfy(v -> assertThat(v).startsWith(".spec.parameters.max_connections"));
    assertThat(SchemaCheck.violations(schema, asMap("spec: {instances: 1}")))
        .containsExactly(".spec: missing required storage");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(String yaml) {
    return Serialization.unmarshal(yaml, Map.class);
  }

  private static String sample(String name) {
    return GeneratedCrd.read(GeneratedCrd.deployFile("samples/" + name));
  }
}
