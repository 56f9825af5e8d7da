package io.pgoperator.app.postgres.children;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterSpec;
import io.pgoperator.api.v1alpha1.PostgresVersions;
import io.pgoperator.api.v1alpha1.ResourcesSpec;

/** The container of an instance pod: postgres, run by the operator's instance script. */
final class PostgresContainers {

  static final String POSTGRES = "postgres";

  /** The volume root; PGDATA is a subdirectory so a lost+found at the root does not bother initdb. */
  static final String DATA_MOUNT = "/var/lib/postgresql/data";
  static final String PGDATA = DATA_MOUNT + "/pgdata";
  static final String SCRIPTS_DIR = "/opt/pg-operator";
  /** The server's Unix socket, where the probes and the local superuser connect. */
  static final String SOCKET_DIR = "/var/run/postgresql";
  /** The server certificate Secret's files (see {@link ClusterTls}). */
  static final String TLS_DIR = "/etc/pg-operator/tls";

  private PostgresContainers() {
  }

  static Container postgres(PostgresCluster cluster) {
    String name = cluster.getMetadata().getName();
    String secret = ChildNames.credentialsSecret(name);
    String internal = ChildNames.internalSecret(name);
    return new ContainerBuilder()
        .withName(POSTGRES)
        .withImage(PostgresVersions.imageFor(cluster.getSpec()))
        // The operator's script, not the image entrypoint: the recorded primary initialises, the
        // others clone it, an old primary rejoins as a standby (see Scripts.INSTANCE), then it execs
        // postgres.
        .withCommand("bash", SCRIPTS_DIR + "/" + PostgresConfig.INSTANCE_SCRIPT)
        .addNewPort()
        .withName(ChildNames.PORT_NAME)
        .withContainerPort(ChildNames.PORT)
        .withProtocol("TCP")
        .endPort()
        .withEnv(
            fieldEnv("POD_NAME", "metadata.name"),
            env("PGDATA", PGDATA),
            env("PGPORT", Integer.toString(ChildNames.PORT)),
            env("CONFIG_DIR", PostgresConfig.CONFIG_DIR),
            env("SOCKET_DIR", SOCKET_DIR),
            env("STATE_DIR", InitialisedState.DIR),
            env("TLS_DIR", TLS_DIR),
            env("PRIMARY_HOST", ChildNames.readWriteService(name)),
            env("PRIMARY_PORT", Integer.toString(ChildNames.PORT)),
            secretEnv("APP_USER", secret, CredentialsSecret.USERNAME),
            secretEnv("APP_PASSWORD", secret, CredentialsSecret.PASSWORD),
            secretEnv("APP_DATABASE", secret, CredentialsSecret.DATABASE),
            env("REPLICATION_USER", ChildNames.REPLICATION_USER),
            secretEnv("REPLICATION_PASSWORD", internal, InternalCredentials.REPLICATION_PASSWORD),
            env("OPERATOR_USER", ChildNames.OPERATOR_USER),
            secretEnv("OPERATOR_PASSWORD", internal, InternalCredentials.OPERATOR_PASSWORD),
            env("MAX_STANDBY_LAG_BYTES", Long.toString(maxStandbyLagBytes(cluster))))
        .withResources(resources(cluster))
        .withVolumeMounts(
            mount(PostgresStatefulSet.DATA_VOLUME, DATA_MOUNT),
            mount(PostgresStatefulSet.CONFIG_VOLUME, PostgresConfig.CONFIG_DIR),
            mount(PostgresStatefulSet.SCRIPTS_VOLUME, SCRIPTS_DIR),
            mount(PostgresStatefulSet.RUN_VOLUME, SOCKET_DIR),
            mount(PostgresStatefulSet.STATE_VOLUME, InitialisedState.DIR),
            mount(PostgresStatefulSet.TLS_VOLUME, TLS_DIR),
            mount(PostgresStatefulSet.SHM_VOLUME, "/dev/shm"))
        // Startup covers initdb, cloning and crash recovery, during which the server refuses
        // connections; only then does liveness start counting. Ready means serving: a standby
        // only while it streams from the primary within maxStandbyLag (see Scripts.PROBE).
        .withStartupProbe(probe("live", 5, 120))
        .withReadinessProbe(probe("ready", 10, 3))
        .withLivenessProbe(probe("live", 10, 6))
        // Kubernetes sends SIGTERM, a "smart" shutdown that waits for every client; a fast
        // shutdown finishes within the grace period instead of ending in SIGKILL.
        .withNewLifecycle()
        .withNewPreStop()
        .withNewExec()
        .withCommand("pg_ctl", "stop", "-D", PGDATA, "-m", "fast", "-w", "-t", "50")
        .endExec()
        .endPreStop()
        .endLifecycle()
        // The instance script's last words (e.g. why it refuses to start) reach the pod status.
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withSecurityContext(securityContext())
        .build();
  }

  private static Probe probe(String what, int period, int failures) {
    return new ProbeBuilder()
        .withNewExec()
        .withCommand("bash", SCRIPTS_DIR + "/" + PostgresConfig.PROBE_SCRIPT, what)
        .endExec()
        .withPeriodSeconds(period)
        .withTimeoutSeconds(5)
        .withFailureThreshold(failures)
        .build();
  }

  /** spec.maxStandbyLag in bytes; the CRD's pattern admits only quantities. */
  static long maxStandbyLagBytes(PostgresCluster cluster) {
    String lag = cluster.getSpec().getMaxStandbyLag();
    return new Quantity(lag == null ? PostgresClusterSpec.DEFAULT_MAX_STANDBY_LAG : lag).getNumericalAmount().longValue();
  }

  private static ResourceRequirements resources(PostgresCluster cluster) {
    ResourcesSpec spec = cluster.getSpec().getResources();
    ResourceRequirementsBuilder b = new ResourceRequirementsBuilder();
    if (spec != null && spec.getRequests() != null) {
      b.withRequests(spec.getRequests());
    }
    if (spec != null && spec.getLimits() != null) {
      b.withLimits(spec.getLimits());
    }
    return b.build();
  }

  private static SecurityContext securityContext() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .build();
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar fieldEnv(String name, String fieldPath) {
    return new EnvVarBuilder().withName(name)
        .withNewValueFrom().withNewFieldRef().withFieldPath(fieldPath).endFieldRef().endValueFrom()
        .build();
  }

  private static EnvVar secretEnv(String name, String secret, String key) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  private static VolumeMount mount(String volume, String path) {
    return new VolumeMountBuilder().withName(volume).withMountPath(path).build();
  }
}
