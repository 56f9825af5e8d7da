package io.pgoperator.app.postgres.children;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.Clusters;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PostgresStatefulSetTest {

  private final StatefulSet sts = PostgresStatefulSet.build(Clusters.full("orders"));
  private final PodSpec pod = sts.getSpec().getTemplate().getSpec();
  private final Container postgres = pod.getContainers().get(0);

  @Test
  void statefulSetIsGovernedByTheHeadlessServiceWithOnePodPerInstance() {
    assertThat(sts.getMetadata().getName()).isEqualTo("orders");
    assertThat(sts.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(sts.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(Clusters.UID));
    assertThat(sts.getSpec().getServiceName()).isEqualTo("orders-pods");
    assertThat(sts.getSpec().getReplicas()).isEqualTo(3);
    assertThat(sts.getSpec().getPodManagementPolicy()).as("no instance waits for another's pod").isEqualTo("Parallel");
    assertThat(sts.getSpec().getUpdateStrategy().getType()).as("the operator rolls the pods, the primary last")
        .isEqualTo("OnDelete");
    assertThat(sts.getSpec().getTemplate().getMetadata().getLabels()).as("the operator alone sets the role")
        .doesNotContainKey(ChildMeta.ROLE_LABEL);
    assertThat(sts.getSpec().getSelector().getMatchLabels())
        .isEqualTo(ChildMeta.podSelector("orders"));
    assertThat(sts.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(ChildMeta.podSelector("orders"))
        .containsEntry("app.kubernetes.io/managed-by", "pg-operator");
  }

  @Test
  void imageFollowsTheVersionUnlessOverridden() {
    assertThat(postgres.getImage()).isEqualTo("postgres:16");
    assertThat(pod.getInitContainers()).as("the instance script does what init containers did").isEmpty();

    PostgresCluster custom = Clusters.full("orders");
    custom.getSpec().setImage("registry.local/pg:16.4");
    assertThat(PostgresStatefulSet.build(custom).getSpec().getTemplate().getSpec()
        .getContainers().get(0).getImage()).isEqualTo("registry.local/pg:16.4");
    assertThat(PostgresStatefulSet.build(Clusters.minimal("demo")).getSpec()
        .getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("postgres:17");
  }

  @Test
  void postgresRunsTheOperatorsInstanceScriptWithTheGeneratedConfig() {
    assertThat(postgres.getName()).isEqualTo("postgres");
    assertThat(postgres.getCommand()).containsExactly("bash", "/opt/pg-operator/instance.sh");
    assertThat(postgres.getArgs()).isNullOrEmpty();
    assertThat(postgres.getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("postgresql");
      assertThat(p.getContainerPort()).isEqualTo(5432);
    });
    assertThat(mounts(postgres)).containsOnly(
        entry("data", "/var/lib/postgresql/data"),
        entry("config", "/etc/postgresql"),
        entry("scripts", "/opt/pg-operator"),
        entry("run", "/var/run/postgresql"),
        entry("state", "/etc/pg-operator-state"),
        entry("tls", "/etc/pg-operator/tls"),
        entry("dshm", "/dev/shm"));
  }

  @Test
  void theScriptLearnsItsPodItsPathsThePrimaryAndTheCredentialsFromItsEnvironment() {
    assertThat(secretRefs(postgres)).containsOnly(
        entry("APP_USER", "orders-credentials/username"),
        entry("APP_PASSWORD", "orders-credentials/password"),
        entry("APP_DATABASE", "orders-credentials/database"),
        entry("REPLICATION_PASSWORD", "orders-internal-credentials/replication-password"),
        entry("OPERATOR_PASSWORD", "orders-internal-credentials/operator-password"));
    assertThat(plainEnv(postgres)).containsOnly(
        entry("PGDATA", "/var/lib/postgresql/data/pgdata"),
        entry("PGPORT", "5432"),
        entry("CONFIG_DIR", "/etc/postgresql"),
        entry("SOCKET_DIR", "/var/run/postgresql"),
        entry("STATE_DIR", "/etc/pg-operator-state"),
        entry("TLS_DIR", "/etc/pg-operator/tls"),
        entry("MAX_STANDBY_LAG_BYTES", "16777216"),
        entry("PRIMARY_HOST", "orders-rw"),
        entry("PRIMARY_PORT", "5432"),
        entry("REPLICATION_USER", "replicator"),
        entry("OPERATOR_USER", "pgoperator"));
    assertThat(postgres.getEnv()).filteredOn(e -> e.getName().equals("POD_NAME")).singleElement()
        .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name"));
  }

  @Test
  void probesRunTheProbeScriptAndReadinessMeansServing() {
    assertThat(postgres.getReadinessProbe().getExec().getCommand())
        .containsExactly("bash", "/opt/pg-operator/probe.sh", "ready");
    assertThat(postgres.getLivenessProbe().getExec().getCommand())
        .containsExactly("bash", "/opt/pg-operator/probe.sh", "live");
    assertThat(postgres.getStartupProbe().getExec().getCommand())
        .containsExactly("bash", "/opt/pg-operator/probe.sh", "live");
    assertThat(postgres.getStartupProbe().getFailureThreshold()
        * postgres.getStartupProbe().getPeriodSeconds())
        .as("initdb, cloning and crash recovery get minutes, not seconds").isGreaterThanOrEqualTo(300);
  }

  @Test
  void theStandbyLagBoundComesFromTheSpec() {
    PostgresCluster cluster = Clusters.full("orders");
    cluster.getSpec().setMaxStandbyLag("1Gi");
    assertThat(plainEnv(PostgresStatefulSet.build(cluster).getSpec().getTemplate().getSpec().getContainers().get(0)))
        .containsEntry("MAX_STANDBY_LAG_BYTES", "1073741824");
    cluster.getSpec().setMaxStandbyLag(null);
    assertThat(plainEnv(PostgresStatefulSet.build(cluster).getSpec().getTemplate().getSpec().getContainers().get(0)))
        .containsEntry("MAX_STANDBY_LAG_BYTES", "16777216");
  }

  @Test
  void configVolumesProjectTheRightFilesOfTheConfigMap() {
    Map<String, Volume> volumes = pod.getVolumes().stream()
        .collect(Collectors.toMap(Volume::getName, v -> v));
    assertThat(keys(volumes.get("config"))).containsExactly("postgresql.conf", "pg_hba.conf");
    assertThat(volumes).doesNotContainKey("initdb");
    assertThat(keys(volumes.get("scripts"))).containsExactly("instance.sh", "probe.sh");
    assertThat(volumes.get("run").getEmptyDir()).isNotNull();
    assertThat(volumes.get("state").getConfigMap().getName()).isEqualTo("orders-state");
    assertThat(volumes.get("state").getConfigMap().getOptional()).as("absent until the database exists").isTrue();
    assertThat(postgres.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    assertThat(volumes.get("config").getConfigMap().getName()).isEqualTo("orders-config");
    assertThat(volumes.get("dshm").getEmptyDir().getMedium()).isEqualTo("Memory");
  }

  @Test
  void containerResourcesComeFromTheSpec() {
    assertThat(postgres.getResources().getRequests())
        .containsEntry("cpu", new Quantity("500m")).containsEntry("memory", new Quantity("1Gi"));
    assertThat(postgres.getResources().getLimits()).containsEntry("memory", new Quantity("2Gi"));
    assertThat(PostgresStatefulSet.build(Clusters.minimal("demo")).getSpec().getTemplate()
        .getSpec().getContainers().get(0).getResources().getRequests()).isNullOrEmpty();
  }

  @Test
  void eachInstanceClaimsItsOwnVolumeAndKeepsIt() {
    PersistentVolumeClaim claim = sts.getSpec().getVolumeClaimTemplates().get(0);
    assertThat(sts.getSpec().getVolumeClaimTemplates()).hasSize(1);
    assertThat(claim.getMetadata().getName()).isEqualTo("data");
    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo("standard");
    assertThat(claim.getSpec().getResources().getRequests())
        .containsExactly(entry("storage", new Quantity("10Gi")));
    assertThat(sts.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted())
        .isEqualTo("Retain");
    assertThat(sts.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled())
        .isEqualTo("Retain");

    PersistentVolumeClaim defaultClass = PostgresStatefulSet.build(Clusters.minimal("d"))
        .getSpec().getVolumeClaimTemplates().get(0);
    assertThat(defaultClass.getSpec().getStorageClassName()).isNull();
  }

  @Test
  void podsRunAsThePostgresUserWithoutPrivileges() {
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(999L);
    assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(999L);
    assertThat(postgres.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(postgres.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
  }

  @Test
  void instancesPreferDifferentNodes() {
    List<WeightedPodAffinityTerm> preferred = pod.getAffinity().getPodAntiAffinity()
        .getPreferredDuringSchedulingIgnoredDuringExecution();
    assertThat(preferred).singleElement().satisfies(t -> {
      assertThat(t.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
      assertThat(t.getPodAffinityTerm().getLabelSelector().getMatchLabels())
          .isEqualTo(ChildMeta.podSelector("orders"));
    });
    assertThat(pod.getAffinity().getPodAntiAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution()).isNullOrEmpty();
  }

  @Test
  void configHashAnnotationChangesOnlyWhenTheConfigChanges() {
    String hash = configHash(sts);
    assertThat(hash).isEqualTo(PostgresConfig.restartHash(
        PostgresConfig.build(Clusters.full("orders"))));
    assertThat(configHash(PostgresStatefulSet.build(Clusters.full("orders")))).isEqualTo(hash);

    PostgresCluster scaled = Clusters.full("orders");
    scaled.getSpec().setInstances(5);
    assertThat(configHash(PostgresStatefulSet.build(scaled))).isEqualTo(hash);

    PostgresCluster tuned = Clusters.full("orders");
    tuned.getSpec().setParameters(Map.of("max_connections", "500"));
    assertThat(configHash(PostgresStatefulSet.build(tuned))).isNotEqualTo(hash);
  }

  @Test
  void sameClusterGivesAnEqualStatefulSet() {
    assertThat(PostgresStatefulSet.build(Clusters.full("orders"))).isEqualTo(sts);
  }

  private static String configHash(StatefulSet s) {
    return s.getSpec().getTemplate().getMetadata().getAnnotations()
        .get(PostgresStatefulSet.CONFIG_HASH_ANNOTATION);
  }

  private static List<String> keys(Volume v) {
    return v.getConfigMap().getItems().stream().map(i -> i.getKey()).toList();
  }

  private static Map<String, String> mounts(Container c) {
    return c.getVolumeMounts().stream()
        .collect(Collectors.toMap(VolumeMount::getName, VolumeMount::getMountPath));
  }

  private static Map<String, String> plainEnv(Container c) {
    return c.getEnv().stream().filter(e -> e.getValueFrom() == null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  private static Map<String, String> secretRefs(Container c) {
    return c.getEnv().stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
        .collect(Collectors.toMap(EnvVar::getName,
            e -> e.getValueFrom().getSecretKeyRef().getName() + "/"
                + e.getValueFrom().getSecretKeyRef().getKey()));
  }
}
