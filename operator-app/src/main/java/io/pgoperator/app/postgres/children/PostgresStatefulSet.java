package io.pgoperator.app.postgres.children;

import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.StorageSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The StatefulSet {@code <cluster>}: one instance per pod, any of which may be the primary (the
 * operator records which, and labels it), the others hot standbys.
 *
 * <p>Things the controller must know: the volume claim template is immutable once created
 * (the API server refuses changes), so a larger {@code storage.size} has to be applied to the
 * existing PVCs {@code data-<cluster>-<n>} directly; and the pod template carries a hash of the
 * ConfigMap, so a parameter change rolls the pods (standbys first, primary last).
 */
public final class PostgresStatefulSet {

  public static final String CONFIG_HASH_ANNOTATION = "postgres.example.com/config-hash";
  /** Official image's postgres user and group. */
  public static final long POSTGRES_UID = 999L;

  static final String DATA_VOLUME = "data";
  static final String CONFIG_VOLUME = "config";
  static final String SCRIPTS_VOLUME = "scripts";
  static final String SHM_VOLUME = "dshm";
  static final String RUN_VOLUME = "run";
  static final String STATE_VOLUME = "state";
  static final String TLS_VOLUME = "tls";

  static final String PARALLEL = "Parallel";

  private PostgresStatefulSet() {
  }

  /** spec.maxStandbyLag in bytes: how far a standby may be behind and still be Ready. */
  public static long maxStandbyLagBytes(PostgresCluster cluster) {
    return PostgresContainers.maxStandbyLagBytes(cluster);
  }

  /** Uses {@link PostgresConfig#build} of the same cluster for the config hash. */
  public static StatefulSet build(PostgresCluster cluster) {
    return build(cluster, PostgresConfig.restartHash(PostgresConfig.build(cluster)));
  }

  static StatefulSet build(PostgresCluster cluster, String configHash) {
    String name = cluster.getMetadata().getName();
    Map<String, String> podLabels = ChildMeta.labels(name, ChildMeta.COMPONENT_DATABASE);
    return new StatefulSetBuilder()
        .withMetadata(ChildMeta.metadata(cluster, ChildNames.statefulSet(name),
            ChildMeta.COMPONENT_DATABASE))
        .withNewSpec()
        .withServiceName(ChildNames.headlessService(name))
        .withReplicas(ClusterServices.instances(cluster))
        // Any instance may be primary, and each waits for the primary itself before cloning: a lost
        // pod must not hold back the others' (re)creation, as OrderedReady would. Immutable: a
        // StatefulSet made by an earlier version keeps OrderedReady (see DesiredChildren).
        .withPodManagementPolicy(PARALLEL)
        // The operator rolls the pods itself: standbys first, the primary last by a switchover
        // (see primary.RollingUpdate); the StatefulSet recreates each deleted pod on the new revision.
        .withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy()
        .withNewSelector().withMatchLabels(ChildMeta.podSelector(name)).endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .withAnnotations(Map.of(CONFIG_HASH_ANNOTATION, configHash))
        .endMetadata()
        .withSpec(podSpec(cluster))
        .endTemplate()
        .withVolumeClaimTemplates(dataClaim(cluster))
        // Volumes hold the only copy of the data: never let Kubernetes delete them.
        .withNewPersistentVolumeClaimRetentionPolicy()
        .withWhenDeleted("Retain")
        .withWhenScaled("Retain")
        .endPersistentVolumeClaimRetentionPolicy()
        .endSpec()
        .build();
  }

  private static PodSpec podSpec(PostgresCluster cluster) {
    String name = cluster.getMetadata().getName();
    String configMap = ChildNames.configMap(name);
    return new PodSpecBuilder()
        .withContainers(PostgresContainers.postgres(cluster))
        .withVolumes(
            configMapVolume(CONFIG_VOLUME, configMap, PostgresConfig.POSTGRESQL_CONF,
                PostgresConfig.PG_HBA_CONF),
            configMapVolume(SCRIPTS_VOLUME, configMap, PostgresConfig.INSTANCE_SCRIPT, PostgresConfig.PROBE_SCRIPT),
            // Optional and outside the config hash: written once, it restarts nothing.
            new VolumeBuilder().withName(STATE_VOLUME).withNewConfigMap()
                .withName(ChildNames.stateConfigMap(name)).withOptional(true).endConfigMap().build(),
            // The server certificate; a rotated one reaches running pods in place (a reload).
            new VolumeBuilder().withName(TLS_VOLUME).withNewSecret()
                .withSecretName(ChildNames.serverTlsSecret(name)).withDefaultMode(0440).endSecret().build(),
            // The Unix socket's directory, whatever the image has there.
            new VolumeBuilder().withName(RUN_VOLUME).withNewEmptyDir().endEmptyDir().build(),
            // The container runtime's 64MB /dev/shm is too small for parallel queries.
            new VolumeBuilder().withName(SHM_VOLUME)
                .withNewEmptyDir().withMedium("Memory").endEmptyDir().build())
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(POSTGRES_UID)
        .withRunAsGroup(POSTGRES_UID)
        .withFsGroup(POSTGRES_UID)
        // Skip the recursive chown of a large volume on every start.
        .withFsGroupChangePolicy("OnRootMismatch")
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .endSecurityContext()
        .withNewAffinity()
        .withNewPodAntiAffinity()
        .addNewPreferredDuringSchedulingIgnoredDuringExecution()
        .withWeight(100)
        .withNewPodAffinityTerm()
        .withTopologyKey("kubernetes.io/hostname")
        .withNewLabelSelector().withMatchLabels(ChildMeta.podSelector(name)).endLabelSelector()
        .endPodAffinityTerm()
        .endPreferredDuringSchedulingIgnoredDuringExecution()
        .endPodAntiAffinity()
        .endAffinity()
        // The pre-stop fast shutdown waits up to 50s; leave it room.
        .withTerminationGracePeriodSeconds(60L)
        // PostgreSQL never talks to the API server, and Service env vars only add noise.
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .build();
  }

  private static PersistentVolumeClaim dataClaim(PostgresCluster cluster) {
    StorageSpec storage = cluster.getSpec().getStorage();
    if (storage == null || storage.getSize() == null) {
      throw new IllegalArgumentException("PostgresCluster " + cluster.getMetadata().getNamespace()
          + "/" + cluster.getMetadata().getName() + " has no spec.storage.size");
    }
    Map<String, Quantity> requests = new LinkedHashMap<>();
    requests.put("storage", new Quantity(storage.getSize()));
    return new PersistentVolumeClaimBuilder()
        .withMetadata(new ObjectMetaBuilder()
            .withName(DATA_VOLUME)
            .withLabels(ChildMeta.podSelector(cluster.getMetadata().getName()))
            .build())
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName(storage.getStorageClassName())
        .withNewResources().withRequests(requests).endResources()
        .endSpec()
        .build();
  }

  private static Volume configMapVolume(String volume, String configMap, String... keys) {
    KeyToPath[] items = new KeyToPath[keys.length];
    for (int i = 0; i < keys.length; i++) {
      items[i] = new KeyToPathBuilder().withKey(keys[i]).withPath(keys[i]).build();
    }
    return new VolumeBuilder()
        .withName(volume)
        .withNewConfigMap()
        .withName(configMap)
        .withItems(items)
        .endConfigMap()
        .build();
  }
}
