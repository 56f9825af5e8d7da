package io.pgoperator.app.postgres.local;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.children.ChildNames;
import io.pgoperator.app.postgres.children.ClusterTls;
import io.pgoperator.app.postgres.children.InternalCredentials;
import io.pgoperator.app.postgres.tls.CertificateAuthority;
import io.pgoperator.app.postgres.children.CredentialsSecret;
import io.pgoperator.app.postgres.children.Passwords;
import io.pgoperator.app.postgres.children.PostgresConfig;
import io.pgoperator.app.postgres.children.PostgresStatefulSet;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Plays the kubelet for the instance pods of one cluster, as the operator renders them (StatefulSet,
 * ConfigMap, Secret): each pod's postgres container runs as a local process with the rendered
 * command and environment, its volumes "mounted" as directories (the ConfigMap's files projected as
 * a kubelet projects them, the data volume one directory per pod that outlives the process), and
 * real PostgreSQL binaries on PATH. What a cluster network would give differently is the one
 * adjustment: every pod shares this host, so each gets its own port (PGPORT) and the read-write
 * Service (PRIMARY_HOST/PRIMARY_PORT) is pod 0 on 127.0.0.1.
 */
public final class LocalPods implements AutoCloseable {

  private final String namespace;
  private final String name;
  private final PostgresBinaries binaries;
  private final Path root;
  /** The cluster's Secrets as the API server would hold them, by name. */
  private final Map<String, Secret> secrets = new HashMap<>();
  private final CertificateAuthority authority;
  private StatefulSet statefulSet;
  private ConfigMap configMap;
  private final Map<Integer, Integer> ports = new HashMap<>();
  private final Map<Integer, Process> running = new HashMap<>();
  /** Other ConfigMaps of the cluster as the API server holds them, by name. */
  private final Map<String, ConfigMap> configMaps = new HashMap<>();
  private Integer primaryPortOverride;
  /** The specs of the Pod objects the running pods were started from (see {@link #start(int, PodSpec)}). */
  private final Map<Integer, PodSpec> podSpecs = new HashMap<>();

  /** The pods of {@code cluster} with children rendered here, as the operator would render them. */
  public LocalPods(PostgresCluster cluster, PostgresBinaries binaries) {
    this(cluster, binaries, ClusterTls.newAuthority(cluster, Instant.now()));
    put(CredentialsSecret.build(cluster, Passwords.secure(), authority.certificatePem()));
    put(InternalCredentials.build(cluster, Passwords.secure(), null));
    put(ClusterTls.serverSecret(cluster, authority, ClusterTls.issue(cluster, authority, Instant.now())));
  }

  /**
   * The pods of {@code cluster} with the children the operator wrote to the API server: read them
   * with {@link #sync} before starting a pod, as a kubelet reads what its pods reference.
   */
  public static LocalPods ofOperator(PostgresCluster cluster, PostgresBinaries binaries, KubernetesClient client) {
    LocalPods pods = new LocalPods(cluster, binaries, null);
    pods.sync(client);
    return pods;
  }

  /**
   * The pods of the cluster {@code namespace/cluster} with the children the operator will write
   * to the API server: nothing is read yet; {@link #sync} before starting a pod.
   */
  public static LocalPods ofApiServer(String namespace, String cluster, PostgresBinaries binaries) {
    return new LocalPods(namespace, cluster, binaries);
  }

  /** The StatefulSet, ConfigMaps and Secrets of the cluster as the API server holds them now. */
  public synchronized void sync(KubernetesClient client) {
    StatefulSet written = client.apps().statefulSets().inNamespace(namespace).withName(ChildNames.statefulSet(name)).get();
    ConfigMap config = client.configMaps().inNamespace(namespace).withName(ChildNames.configMap(name)).get();
    if (written == null || config == null) {
      throw new IllegalStateException("the operator has not written the StatefulSet and ConfigMap of " + name + " yet");
    }
    this.statefulSet = written;
    this.configMap = config;
    ConfigMap state = client.configMaps().inNamespace(namespace).withName(ChildNames.stateConfigMap(name)).get();
    if (state != null) {
      apply(state);
    }
    for (String secret : List.of(ChildNames.credentialsSecret(name), ChildNames.internalSecret(name),
        ChildNames.serverTlsSecret(name))) {
      Secret read = client.secrets().inNamespace(namespace).withName(secret).get();
      if (read != null) {
        put(read);
      }
    }
  }

  private LocalPods(PostgresCluster cluster, PostgresBinaries binaries, CertificateAuthority authority) {
    this(cluster.getMetadata().getNamespace(), cluster.getMetadata().getName(), binaries, authority);
    this.statefulSet = PostgresStatefulSet.build(cluster);
    this.configMap = PostgresConfig.build(cluster);
  }

  /** Nothing rendered: the StatefulSet and ConfigMap come with the first {@link #sync}. */
  private LocalPods(String namespace, String name, PostgresBinaries binaries) {
    this(namespace, name, binaries, null);
  }

  private LocalPods(String namespace, String name, PostgresBinaries binaries, CertificateAuthority authority) {
    this.namespace = namespace;
    this.name = name;
    this.binaries = binaries;
    this.authority = authority;
    try {
      this.root = Files.createTempDirectory("pg-pods-");
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a directory for the pods", e);
    }
  }

  /** The application's Secret, {@code <cluster>-credentials}. */
  public Secret secret() {
    return secrets.get(ChildNames.credentialsSecret(name));
  }

  /** The Secret the operator and the instances share, {@code <cluster>-internal-credentials}. */
  public Secret internalSecret() {
    return secrets.get(ChildNames.internalSecret(name));
  }

  public CertificateAuthority authority() {
    return authority;
  }

  /** Puts a Secret on the "API server" (e.g. a reissued certificate): pods mount it from their next refresh. */
  public synchronized void put(Secret secret) {
    secrets.put(secret.getMetadata().getName(), secret);
  }

  /**
   * What the operator renders for {@code changed} (same cluster, new spec): pods started from now
   * on get its StatefulSet template and ConfigMap, as pods replaced by a rollout do. The Secret
   * stays, as the operator never regenerates it.
   */
  /** Puts another ConfigMap on the "API server": pods mount it from their next start. */
  public synchronized void apply(ConfigMap other) {
    configMaps.put(other.getMetadata().getName(), other);
  }

  /** Empties the pod's data volume, as a volume lost and provisioned anew would be. */
  public synchronized void wipeDataVolume(int ordinal) {
    if (isRunning(ordinal)) {
      throw new IllegalStateException(podName(ordinal) + " still runs");
    }
    deleteTree(dataVolume(ordinal));
  }

  public synchronized void render(PostgresCluster changed) {
    this.statefulSet = PostgresStatefulSet.build(changed);
    this.configMap = PostgresConfig.build(changed);
  }

  public String podName(int ordinal) {
    return ChildNames.pod(name, ordinal);
  }

  /** The pod's port on 127.0.0.1, fixed for the pod's lifetime (as its IP would be). */
  public synchronized int port(int ordinal) {
    return ports.computeIfAbsent(ordinal, o -> freePort());
  }

  /** Where the pod's data volume is: it survives the pod, as a PersistentVolumeClaim does. */
  public Path dataVolume(int ordinal) {
    return root.resolve(podName(ordinal)).resolve("volumes/data");
  }

  public Path log(int ordinal) {
    return root.resolve(podName(ordinal)).resolve("postgres.log");
  }

  /** Makes the read-write Service lead to {@code port} instead of pod 0 (e.g. through a proxy). */
  public synchronized void routeReadWriteServiceTo(Integer port) {
    this.primaryPortOverride = port;
  }

  /**
   * Starts pod {@code ordinal}'s postgres container from the StatefulSet's current template, as
   * the kubelet does after (re)scheduling it.
   */
  public synchronized Process start(int ordinal) {
    return start(ordinal, null);
  }

  /**
   * Starts pod {@code ordinal}'s postgres container as {@code spec} (a Pod object's spec; null for
   * the StatefulSet's current template) describes it; its probes and volume refreshes follow the
   * same spec until the next start.
   */
  public synchronized Process start(int ordinal, PodSpec spec) {
    if (running.containsKey(ordinal) && running.get(ordinal).isAlive()) {
      throw new IllegalStateException(podName(ordinal) + " is running already");
    }
    if (statefulSet == null) {
      throw new IllegalStateException("nothing synced yet: the operator has not written the StatefulSet of " + name);
    }
    if (spec == null) {
      podSpecs.remove(ordinal);
    } else {
      podSpecs.put(ordinal, spec);
    }
    Map<String, Path> mounts = mount(ordinal, container(ordinal), true);
    List<String> command = container(ordinal).getCommand().stream().map(arg -> local(arg, mounts)).toList();
    try {
      ProcessBuilder builder = new ProcessBuilder(LocalUser.current().command(command))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log(ordinal).toFile()));
      builder.environment().clear();
      builder.environment().putAll(environment(ordinal, mounts));
      Process process = builder.start();
      running.put(ordinal, process);
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + podName(ordinal), e);
    }
  }

  /** What a probe's exec command says, run in the pod as the kubelet runs it: exit code and output. */
  public record ProbeResult(int exitCode, String output) {

    public boolean passed() {
      return exitCode == 0;
    }
  }

  /** The kubelet's periodic refresh of a running pod's mounted ConfigMaps and Secrets (to what was last put). */
  public synchronized void refreshVolumes(int ordinal) {
    mount(ordinal, container(ordinal), false);
  }

  /** Runs the pod's readiness probe once. */
  public ProbeResult readiness(int ordinal) {
    return probe(ordinal, container(ordinal).getReadinessProbe().getExec().getCommand());
  }

  /** Runs the pod's liveness probe once. */
  public ProbeResult liveness(int ordinal) {
    return probe(ordinal, container(ordinal).getLivenessProbe().getExec().getCommand());
  }

  /** The superuser on the pod's local socket, the one way the pod admits it. */
  public Psql superuser(int ordinal) {
    return new Psql(binaries, root.resolve(podName(ordinal)).resolve("volumes/run").toString(), port(ordinal),
        ChildNames.SUPERUSER, null, "postgres");
  }

  /** Runs a probe command; only preparing it holds the lock, so pods are probed (and stopped) in parallel. */
  private ProbeResult probe(int ordinal, List<String> probeCommand) {
    ProcessBuilder builder;
    synchronized (this) {
      Map<String, Path> mounts = mounts(ordinal, container(ordinal));
      List<String> command = probeCommand.stream().map(arg -> local(arg, mounts)).toList();
      builder = new ProcessBuilder(LocalUser.current().command(command)).redirectErrorStream(true);
      builder.environment().clear();
      builder.environment().putAll(environment(ordinal, mounts));
    }
    try {
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new ProbeResult(-1, "probe timed out: " + output);
      }
      return new ProbeResult(process.exitValue(), output.strip());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot probe " + podName(ordinal), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The spec pod {@code ordinal} was started from, else the StatefulSet's current template. */
  private PodSpec podSpec(int ordinal) {
    PodSpec spec = podSpecs.get(ordinal);
    return spec != null ? spec : statefulSet.getSpec().getTemplate().getSpec();
  }

  private Container container(int ordinal) {
    return podSpec(ordinal).getContainers().get(0);
  }

  /** The container's environment as the kubelet resolves it, with this host's network stand-ins. */
  private Map<String, String> environment(int ordinal, Map<String, Path> mounts) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container(ordinal).getEnv()) {
      env.put(var.getName(), value(var, ordinal, mounts));
    }
    env.put("PGPORT", Integer.toString(port(ordinal)));
    env.put("PRIMARY_HOST", "127.0.0.1");
    env.put("PRIMARY_PORT", Integer.toString(primaryPortOverride != null ? primaryPortOverride : port(0)));
    env.put("PATH", binaries.bin() + File.pathSeparator + "/usr/bin:/bin");
    env.put("HOME", root.resolve(podName(ordinal)).toString());
    env.putAll(binaries.environment());
    return env;
  }

  /** Kills every process of the pod at once, as a node or OOM kill would; the volume stays. */
  public void kill(int ordinal) {
    Process process;
    synchronized (this) {
      process = running.remove(ordinal);
    }
    if (process != null) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      waitFor(process);
    }
  }

  /** A fast shutdown (SIGINT), as the pod's preStop hook asks for. */
  public void stop(int ordinal) {
    stop(ordinal, "INT");
  }

  /**
   * SIGTERM, as the kubelet sends to a container's first process when it stops a pod. (SIGINT is
   * not the same test for a script that has not exec'd postgres yet: a shell started with SIGINT
   * ignored, as anything started in the background of a non-interactive shell is, cannot trap it.)
   */
  public void terminate(int ordinal) {
    stop(ordinal, "TERM");
  }

  private void stop(int ordinal, String signal) {
    Process process;
    synchronized (this) {
      process = running.remove(ordinal);
    }
    if (process != null) {
      signal(process, signal);
      waitFor(process);
    }
  }

  public synchronized boolean isRunning(int ordinal) {
    return running.containsKey(ordinal) && running.get(ordinal).isAlive();
  }

  /** The last lines of every pod's log, for a failure message. */
  public synchronized String logTails() {
    StringBuilder text = new StringBuilder();
    for (int ordinal : new java.util.TreeSet<>(ports.keySet())) {
      text.append("--- ").append(podName(ordinal)).append(" (").append(log(ordinal)).append(")\n");
      try {
        List<String> lines = Files.exists(log(ordinal)) ? Files.readAllLines(log(ordinal)) : List.of();
        lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> text.append(l).append('\n'));
      } catch (IOException e) {
        text.append("(unreadable: ").append(e).append(")\n");
      }
    }
    return text.toString();
  }

  @Override
  public void close() {
    List<Integer> ordinals;
    synchronized (this) {
      ordinals = new ArrayList<>(running.keySet());
    }
    ordinals.parallelStream().forEach(this::stop);
    synchronized (this) {
      deleteTree(root);
    }
  }

  /** Directories standing in for the container's volume mounts, keyed by mount path. */
  private Map<String, Path> mounts(int ordinal, Container container) {
    Map<String, Path> mounts = new LinkedHashMap<>();
    for (VolumeMount mount : container.getVolumeMounts()) {
      mounts.put(mount.getMountPath(), root.resolve(podName(ordinal)).resolve("volumes").resolve(mount.getName()));
    }
    return mounts;
  }

  /**
   * Makes the mounts' directories: the ConfigMap's files projected afresh, as a kubelet does at
   * start. A refresh ({@code starting} false) touches the projected volumes only: the pod's other
   * volumes (its data) are in use by the running server.
   */
  private Map<String, Path> mount(int ordinal, Container container, boolean starting) {
    Map<String, Volume> volumes = new HashMap<>();
    podSpec(ordinal).getVolumes().forEach(v -> volumes.put(v.getName(), v));
    Map<String, Path> mounts = mounts(ordinal, container);
    for (VolumeMount mount : container.getVolumeMounts()) {
      Path dir = mounts.get(mount.getMountPath());
      Volume volume = volumes.get(mount.getName());
      try {
        boolean projected = volume != null && (volume.getConfigMap() != null || volume.getSecret() != null);
        if (volume != null && volume.getConfigMap() != null) {
          materialise(dir, project(volume), "rw-r--r--");
        }
        if (volume != null && volume.getSecret() != null) {
          materialise(dir, projectSecret(volume), "r--r-----");
        }
        if (starting || projected) {
          LocalUser.current().own(dir);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot mount " + mount.getName() + " of " + podName(ordinal), e);
      }
    }
    if (starting) {
      LocalUser.current().own(root.resolve(podName(ordinal)));
    }
    return mounts;
  }

  /**
   * Makes {@code dir} hold exactly {@code files}: each changed file replaced atomically (written
   * aside, then renamed over), files no longer projected removed, as a kubelet swaps a volume's
   * contents under a running pod without a moment when they are missing.
   */
  private static void materialise(Path dir, Map<String, String> files, String permissions) throws IOException {
    Files.createDirectories(dir);
    try (Stream<Path> present = Files.list(dir)) {
      for (Path file : present.toList()) {
        if (!files.containsKey(file.getFileName().toString())) {
          deleteTree(file);
        }
      }
    }
    for (Map.Entry<String, String> entry : files.entrySet()) {
      Path file = dir.resolve(entry.getKey());
      if (Files.isRegularFile(file) && Files.readString(file).equals(entry.getValue())) {
        continue;
      }
      Path aside = dir.resolve(".." + entry.getKey() + ".tmp");
      Files.writeString(aside, entry.getValue());
      Files.setPosixFilePermissions(aside, PosixFilePermissions.fromString(permissions));
      LocalUser.current().own(aside);
      Files.move(aside, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** A ConfigMap volume's files: the listed items, or every key; nothing for an absent optional one. */
  private Map<String, String> project(Volume volume) {
    String name = volume.getConfigMap().getName();
    ConfigMap source = name.equals(configMap.getMetadata().getName()) ? configMap : configMaps.get(name);
    Map<String, String> files = new LinkedHashMap<>();
    if (source == null) {
      if (!Boolean.TRUE.equals(volume.getConfigMap().getOptional())) {
        throw new IllegalStateException("ConfigMap " + name + " is missing and not optional");
      }
      return files;
    }
    if (volume.getConfigMap().getItems() == null || volume.getConfigMap().getItems().isEmpty()) {
      files.putAll(source.getData());
      return files;
    }
    for (KeyToPath item : volume.getConfigMap().getItems()) {
      files.put(item.getPath(), source.getData().get(item.getKey()));
    }
    return files;
  }

  /** A Secret volume's files, every key, read-only to the pod's user (the kubelet's defaultMode). */
  private Map<String, String> projectSecret(Volume volume) {
    String name = volume.getSecret().getSecretName();
    Secret source = secrets.get(name);
    if (source == null) {
      throw new IllegalStateException("Secret " + name + " is missing: the kubelet would not start the pod");
    }
    Map<String, String> files = new LinkedHashMap<>();
    for (String key : source.getData().keySet()) {
      files.put(key, CredentialsSecret.value(source, key));
    }
    return files;
  }

  private String value(EnvVar var, int ordinal, Map<String, Path> mounts) {
    if (var.getValueFrom() == null) {
      return local(var.getValue(), mounts);
    }
    if (var.getValueFrom().getFieldRef() != null) {
      String field = var.getValueFrom().getFieldRef().getFieldPath();
      if (!field.equals("metadata.name")) {
        throw new IllegalStateException("this kubelet knows metadata.name only, not " + field);
      }
      return podName(ordinal);
    }
    String name = var.getValueFrom().getSecretKeyRef().getName();
    String key = var.getValueFrom().getSecretKeyRef().getKey();
    Secret source = secrets.get(name);
    if (source == null || CredentialsSecret.value(source, key) == null) {
      throw new IllegalStateException("Secret " + name + " has no key " + key + ": the kubelet would not start the pod");
    }
    return CredentialsSecret.value(source, key);
  }

  /** A container path under a mount, as the path of the directory standing in for it. */
  private static String local(String value, Map<String, Path> mounts) {
    for (Map.Entry<String, Path> mount : mounts.entrySet()) {
      if (value.equals(mount.getKey()) || value.startsWith(mount.getKey() + "/")) {
        return mount.getValue() + value.substring(mount.getKey().length());
      }
    }
    return value;
  }

  private static void signal(Process process, String signal) {
    try {
      new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot signal " + process.pid(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void waitFor(Process process) {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
