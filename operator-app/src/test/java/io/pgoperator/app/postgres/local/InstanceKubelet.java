package io.pgoperator.app.postgres.local;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pgoperator.app.postgres.children.ChildMeta;
import io.pgoperator.app.postgres.children.ChildNames;
import io.pgoperator.runtime.testing.Await;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays, for the instance pods of one cluster on a real API server (envtest: no controllers, no
 * kubelet, no kube-proxy), the three parts of Kubernetes the operator relies on:
 *
 * <ul>
 *   <li><b>the StatefulSet controller</b>: watches the StatefulSet {@code <cluster>}; creates the
 *       Pods {@code <cluster>-<i>} for ordinals below {@code spec.replicas} from the template (its
 *       labels plus {@code statefulset.kubernetes.io/pod-name} and {@code controller-revision-hash},
 *       its annotations, a controller reference, {@code nodeName} {@value #NODE_NAME},
 *       {@code hostname}/{@code subdomain}, a volume per claim template naming the claim
 *       {@code <claim>-<pod>}); with {@code OrderedReady} one at a time, each once the lower ones
 *       are Ready, with {@code Parallel} all at once; deletes the pods above {@code spec.replicas}
 *       (highest first, one at a time, unless Parallel); recreates a deleted pod with the same name
 *       once the old one is gone; keeps the StatefulSet's status current. It never updates an
 *       existing Pod: labels others added (a role label) stay, and a changed template reaches only
 *       pods created after it (no rolling update: {@code updateRevision} then differs from
 *       {@code currentRevision} until the test replaces the pods, e.g. by deleting them). No
 *       PersistentVolumeClaim objects are created; the data volume is a directory per ordinal.
 *   <li><b>the kubelet</b> of node {@value #NODE_NAME}: runs each pod's postgres container with
 *       {@link LocalPods} from the Pod's own spec (after a {@link LocalPods#sync}, as a kubelet
 *       reads the ConfigMaps and Secrets it mounts at container start), reports the pod status,
 *       runs the readiness probe every {@link Options#probePeriod} (the pod's own
 *       failureThreshold/successThreshold apply), restarts an exited container after
 *       {@link Options#restartBackoff} (fixed, not exponential), refreshes the mounted ConfigMaps
 *       and Secrets every {@link Options#volumeRefresh}, and on graceful deletion stops the
 *       container as its preStop hook does (fast shutdown) and confirms the deletion (grace 0).
 *       No liveness or startup probes.
 *   <li><b>kube-proxy</b>: a {@link ServiceProxy} on 127.0.0.1 per ClusterIP Service of the
 *       cluster (labelled with its instance or named {@code <cluster>-...}), routing each new
 *       connection by the Service's selector to a Ready, not terminating pod, as this harness's
 *       watches see them at that moment. The instances' PRIMARY_HOST/PRIMARY_PORT is the
 *       {@code -rw} proxy, so standbys follow the primary wherever that Service points.
 * </ul>
 *
 * <p>Faults: {@link #crash} (SIGKILL, restarted after the backoff), {@link #hold}/{@link #release}
 * (the node is down: killed, not restarted, Ready False as the node controller reports it, a
 * deletion not confirmed). Its own failures are logged and kept in {@link #failures()}; tests should
 * assert there are none. Do not start or stop its pods through {@link #pods()} (read them only).
 */
public final class InstanceKubelet implements AutoCloseable {

  public static final String NODE_NAME = "local-node";
  public static final String POD_IP = "127.0.0.1";
  public static final String REVISION_LABEL = "controller-revision-hash";
  private static final Duration CONTROL_PERIOD = Duration.ofMillis(200);
  private static final Logger LOG = LoggerFactory.getLogger(InstanceKubelet.class);

  /**
   * The harness's timing.
   *
   * @param probePeriod how often the readiness probe runs (the pod's periodSeconds is not used)
   * @param restartBackoff how long an exited container stays down before its restart
   * @param volumeRefresh how often running pods' ConfigMap and Secret volumes are refreshed (a
   *     real kubelet takes up to about a minute)
   */
  public record Options(Duration probePeriod, Duration restartBackoff, Duration volumeRefresh) {

    public static Options defaults() {
      return new Options(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    public Options withProbePeriod(Duration period) {
      return new Options(period, restartBackoff, volumeRefresh);
    }

    public Options withRestartBackoff(Duration backoff) {
      return new Options(probePeriod, backoff, volumeRefresh);
    }

    public Options withVolumeRefresh(Duration refresh) {
      return new Options(probePeriod, restartBackoff, refresh);
    }
  }

  private final KubernetesClient client;
  private final String namespace;
  private final String cluster;
  private final Options options;
  private final LocalPods pods;
  private final Pattern podName;
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final Map<String, ServiceProxy> proxies = new ConcurrentHashMap<>();
  private final Map<Integer, InstancePod> workers = new ConcurrentHashMap<>();
  private final Set<Integer> held = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> roundRobin = new ConcurrentHashMap<>();
  private final Object wake = new Object();
  private boolean woken;
  private volatile boolean closed;
  private final SharedIndexInformer<StatefulSet> statefulSets;
  private final SharedIndexInformer<Pod> podInformer;
  private final SharedIndexInformer<Service> services;
  private final Thread controller;

  public InstanceKubelet(KubernetesClient client, String namespace, String cluster, PostgresBinaries binaries) {
    this(client, namespace, cluster, binaries, Options.defaults());
  }

  public InstanceKubelet(KubernetesClient client, String namespace, String cluster, PostgresBinaries binaries,
      Options options) {
    this.client = client;
    this.namespace = namespace;
    this.cluster = cluster;
    this.options = options;
    this.podName = Pattern.compile(Pattern.quote(cluster) + "-(0|[1-9][0-9]*)");
    this.pods = LocalPods.ofApiServer(namespace, cluster, binaries);
    String readWrite = ChildNames.readWriteService(cluster);
    proxies.put(readWrite, new ServiceProxy(readWrite, () -> backend(readWrite), e -> fail("kube-proxy", e)));
    pods.routeReadWriteServiceTo(proxies.get(readWrite).address().getPort());
    ensureDefaultServiceAccount();
    ResourceEventHandler<HasMetadata> signal = new ResourceEventHandler<>() {
      @Override
      public void onAdd(HasMetadata obj) {
        wake();
      }

      @Override
      public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
        wake();
      }

      @Override
      public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
        wake();
      }
    };
    this.podInformer = client.pods().inNamespace(namespace).withLabels(ChildMeta.podSelector(cluster))
        .inform(signal, 0);
    this.statefulSets = client.apps().statefulSets().inNamespace(namespace)
        .withName(ChildNames.statefulSet(cluster)).inform(signal, 0);
    this.services = client.services().inNamespace(namespace).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Service service) {
        proxy(service);
      }

      @Override
      public void onUpdate(Service oldService, Service service) {
        proxy(service);
      }

      @Override
      public void onDelete(Service service, boolean deletedFinalStateUnknown) {
        // The proxy stays: with no Service behind it, it refuses every connection.
      }
    }, 0);
    this.controller = new Thread(this::control, "statefulset-controller-" + cluster);
    controller.setDaemon(true);
    controller.start();
  }

  // --- for the tests ---

  /** The local stand-in for the ClusterIP Service {@code serviceName} of the cluster ("cluster IP" and port). */
  public InetSocketAddress service(String serviceName) {
    ServiceProxy proxy = proxies.get(serviceName);
    if (proxy == null) {
      Service service = client.services().inNamespace(namespace).withName(serviceName).get();
      if (service == null || !proxied(service)) {
        throw new IllegalArgumentException("no ClusterIP Service " + namespace + "/" + serviceName + " of cluster "
            + cluster + " in the API server");
      }
      proxy = proxy(service);
    }
    return proxy.address();
  }

  /** Pod {@code ordinal}'s own port on 127.0.0.1 (its "pod IP"), stable across restarts and recreation. */
  public int podPort(int ordinal) {
    return pods.port(ordinal);
  }

  /** The local pods: for psql as the superuser, logs, data volumes. Start and stop nothing through it. */
  public LocalPods pods() {
    return pods;
  }

  /** SIGKILLs pod {@code ordinal}'s processes; the kubelet reports it and restarts it after the backoff. */
  public void crash(int ordinal) {
    pods.kill(ordinal);
  }

  /**
   * Pod {@code ordinal}'s node goes down: its processes are killed and not restarted, the pod is
   * reported not Ready (reason NodeNotReady, container statuses left as last reported), a
   * deletion is not confirmed, until {@link #release}.
   */
  public void hold(int ordinal) {
    held.add(ordinal);
    InstancePod worker = workers.get(ordinal);
    if (worker != null) {
      worker.signal();
    }
  }

  /** Pod {@code ordinal}'s node is back: its kubelet reports the container exited and restarts it. */
  public void release(int ordinal) {
    held.remove(ordinal);
    InstancePod worker = workers.get(ordinal);
    if (worker != null) {
      worker.signal();
    }
  }

  /** Waits until pod {@code ordinal} is Ready in the API server; returns it as read then. */
  public Pod awaitReady(int ordinal, Duration deadline) {
    Pod[] last = new Pod[1];
    Await.until(pods.podName(ordinal) + " Ready in the API server", deadline, () -> {
      last[0] = pod(ordinal);
      return last[0] != null && isReady(last[0]);
    });
    return last[0];
  }

  /** Pod {@code ordinal} as the API server holds it now, or null. */
  public Pod pod(int ordinal) {
    return client.pods().inNamespace(namespace).withName(pods.podName(ordinal)).get();
  }

  /** What went wrong in the harness itself (not in the pods): empty in a good run. */
  public List<Throwable> failures() {
    return List.copyOf(failures);
  }

  /** Stops everything: watches, proxies, the pods' processes (fast shutdown); removes the directories. */
  @Override
  public void close() {
    closed = true;
    wake();
    for (SharedIndexInformer<?> informer : List.of(statefulSets, podInformer, services)) {
      informer.close();
    }
    proxies.values().forEach(ServiceProxy::close);
    join(controller);
    workers.values().forEach(InstancePod::signal);
    workers.values().forEach(w -> w.join(Duration.ofSeconds(90)));
    pods.close();
  }

  // --- the StatefulSet controller ---

  private void control() {
    while (!closed) {
      try {
        reconcile();
      } catch (RuntimeException e) {
        if (!closed) {
          fail("the StatefulSet controller", e);
        }
      }
      synchronized (wake) {
        if (!woken && !closed) {
          try {
            wake.wait(CONTROL_PERIOD.toMillis());
          } catch (InterruptedException e) {
            return;
          }
        }
        woken = false;
      }
    }
  }

  private void wake() {
    synchronized (wake) {
      woken = true;
      wake.notifyAll();
    }
  }

  private void reconcile() {
    Map<Integer, Pod> current = new TreeMap<>();
    for (Pod pod : podInformer.getStore().list()) {
      Matcher matcher = podName.matcher(pod.getMetadata().getName());
      if (matcher.matches()) {
        current.put(Integer.parseInt(matcher.group(1)), pod);
      }
    }
    runPods(current);
    StatefulSet statefulSet = statefulSets.getStore().getByKey(namespace + "/" + ChildNames.statefulSet(cluster));
    if (statefulSet == null || statefulSet.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    int replicas = statefulSet.getSpec().getReplicas() == null ? 1 : statefulSet.getSpec().getReplicas();
    boolean parallel = "Parallel".equals(statefulSet.getSpec().getPodManagementPolicy());
    String revision = revision(statefulSet);
    for (int ordinal = 0; ordinal < replicas; ordinal++) {
      Pod pod = current.get(ordinal);
      if (pod == null) {
        create(statefulSet, ordinal, revision);
        if (!parallel) {
          break;
        }
      } else if (!parallel && (!isReady(pod) || isTerminating(pod))) {
        break;
      }
    }
    List<Pod> excess = current.entrySet().stream().filter(e -> e.getKey() >= replicas)
        .sorted(Map.Entry.<Integer, Pod>comparingByKey().reversed()).map(Map.Entry::getValue).toList();
    if (parallel) {
      excess.stream().filter(p -> !isTerminating(p)).forEach(this::delete);
    } else if (!excess.isEmpty() && excess.stream().noneMatch(InstanceKubelet::isTerminating)) {
      delete(excess.get(0));
    }
    writeStatus(statefulSet, current.values(), revision);
  }

  /** The kubelet's side: one worker per pod, a recreated pod's only once its predecessor's has ended. */
  private void runPods(Map<Integer, Pod> current) {
    for (Map.Entry<Integer, Pod> entry : current.entrySet()) {
      int ordinal = entry.getKey();
      Pod pod = entry.getValue();
      InstancePod worker = workers.get(ordinal);
      if (worker != null && worker.uid().equals(pod.getMetadata().getUid())) {
        worker.observe(pod);
      } else if (worker != null && !worker.finished()) {
        worker.gone();
      } else if (!closed) {
        InstancePod started = new InstancePod(this, pods, ordinal, pod);
        workers.put(ordinal, started);
        started.start();
      }
    }
    for (InstancePod worker : workers.values()) {
      if (!current.containsKey(worker.ordinal())) {
        worker.gone();
        if (worker.finished()) {
          workers.remove(worker.ordinal(), worker);
        }
      }
    }
  }

  private void create(StatefulSet statefulSet, int ordinal, String revision) {
    String name = pods.podName(ordinal);
    PodTemplateSpec template = statefulSet.getSpec().getTemplate();
    PodSpec spec = client.getKubernetesSerialization().clone(template.getSpec());
    spec.setNodeName(NODE_NAME);
    spec.setHostname(name);
    spec.setSubdomain(statefulSet.getSpec().getServiceName());
    List<Volume> volumes = new ArrayList<>(spec.getVolumes() == null ? List.of() : spec.getVolumes());
    List<PersistentVolumeClaim> claims = statefulSet.getSpec().getVolumeClaimTemplates() == null ? List.of()
        : statefulSet.getSpec().getVolumeClaimTemplates();
    for (PersistentVolumeClaim claim : claims) {
      String volume = claim.getMetadata().getName();
      if (volumes.stream().noneMatch(v -> volume.equals(v.getName()))) {
        volumes.add(new VolumeBuilder().withName(volume).withNewPersistentVolumeClaim()
            .withClaimName(volume + "-" + name).endPersistentVolumeClaim().build());
      }
    }
    spec.setVolumes(volumes);
    Map<String, String> labels = new LinkedHashMap<>(
        template.getMetadata() == null || template.getMetadata().getLabels() == null ? Map.of()
            : template.getMetadata().getLabels());
    labels.put(ChildMeta.POD_NAME_LABEL, name);
    labels.put(REVISION_LABEL, revision);
    Map<String, String> annotations = new LinkedHashMap<>(
        template.getMetadata() == null || template.getMetadata().getAnnotations() == null ? Map.of()
            : template.getMetadata().getAnnotations());
    Pod pod = new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).withAnnotations(annotations)
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("StatefulSet")
            .withName(statefulSet.getMetadata().getName()).withUid(statefulSet.getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(true).build())
        .endMetadata()
        .withSpec(spec)
        .build();
    try {
      client.pods().inNamespace(namespace).resource(pod).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) { // already there: the watch had not shown it yet
        throw e;
      }
    }
  }

  private void delete(Pod pod) {
    client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).delete();
  }

  private void writeStatus(StatefulSet statefulSet, java.util.Collection<Pod> current, String updateRevision) {
    int replicas = 0;
    int ready = 0;
    Map<String, Integer> byRevision = new HashMap<>();
    for (Pod pod : current) {
      replicas++;
      if (isReady(pod)) {
        ready++;
      }
      if (!isTerminating(pod)) {
        byRevision.merge(Objects.toString(pod.getMetadata().getLabels().get(REVISION_LABEL)), 1, Integer::sum);
      }
    }
    int updated = byRevision.getOrDefault(updateRevision, 0);
    // Without rolling updates the pods' revision is the current one until every pod has the new one.
    String currentRevision = byRevision.entrySet().stream().filter(e -> !e.getKey().equals(updateRevision))
        .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(updateRevision);
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("observedGeneration", statefulSet.getMetadata().getGeneration());
    status.put("replicas", replicas);
    status.put("readyReplicas", ready);
    status.put("availableReplicas", ready);
    status.put("currentReplicas", byRevision.getOrDefault(currentRevision, 0));
    status.put("updatedReplicas", updated);
    status.put("currentRevision", currentRevision);
    status.put("updateRevision", updateRevision);
    StatefulSetStatus now = statefulSet.getStatus();
    if (now != null && Objects.equals(now.getObservedGeneration(), status.get("observedGeneration"))
        && Objects.equals(now.getReplicas(), replicas) && Objects.equals(now.getReadyReplicas(), ready)
        && Objects.equals(now.getAvailableReplicas(), ready)
        && Objects.equals(now.getCurrentReplicas(), status.get("currentReplicas"))
        && Objects.equals(now.getUpdatedReplicas(), updated) && Objects.equals(now.getCurrentRevision(), currentRevision)
        && Objects.equals(now.getUpdateRevision(), updateRevision)) {
      return;
    }
    client.apps().statefulSets().inNamespace(namespace).withName(statefulSet.getMetadata().getName())
        .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
            client.getKubernetesSerialization().asJson(Map.of("status", status)));
  }

  /** {@code <statefulset>-<hash of the pod template>}, as the controller names its revisions. */
  private String revision(StatefulSet statefulSet) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(
          client.getKubernetesSerialization().asJson(statefulSet.getSpec().getTemplate())
              .getBytes(StandardCharsets.UTF_8));
      return statefulSet.getMetadata().getName() + "-" + HexFormat.of().formatHex(digest).substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void ensureDefaultServiceAccount() {
    // No controller-manager creates it here; Pod admission wants it.
    if (client.serviceAccounts().inNamespace(namespace).withName("default").get() == null) {
      try {
        client.serviceAccounts().inNamespace(namespace)
            .resource(new ServiceAccountBuilder().withNewMetadata().withName("default").endMetadata().build()).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
  }

  // --- kube-proxy ---

  private boolean proxied(Service service) {
    String type = service.getSpec().getType();
    boolean clusterIp = (type == null || "ClusterIP".equals(type)) && !"None".equals(service.getSpec().getClusterIP());
    Map<String, String> labels = service.getMetadata().getLabels() == null ? Map.of() : service.getMetadata().getLabels();
    return clusterIp && (cluster.equals(labels.get(ChildMeta.INSTANCE))
        || service.getMetadata().getName().startsWith(cluster + "-"));
  }

  private ServiceProxy proxy(Service service) {
    if (closed || !proxied(service)) {
      return null;
    }
    String name = service.getMetadata().getName();
    return proxies.computeIfAbsent(name, n -> new ServiceProxy(n, () -> backend(n), e -> fail("kube-proxy", e)));
  }

  /** Where a connection to Service {@code name} goes now: a Ready pod its selector matches (round-robin). */
  private Optional<InetSocketAddress> backend(String name) {
    Service service = services.getStore().getByKey(namespace + "/" + name);
    if (service == null || service.getSpec().getSelector() == null || service.getSpec().getSelector().isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> selector = service.getSpec().getSelector();
    List<Integer> endpoints = new ArrayList<>();
    for (Pod pod : podInformer.getStore().list()) {
      Matcher matcher = podName.matcher(pod.getMetadata().getName());
      Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
      if (matcher.matches() && labels.entrySet().containsAll(selector.entrySet()) && isReady(pod)
          && !isTerminating(pod)) {
        endpoints.add(Integer.parseInt(matcher.group(1)));
      }
    }
    if (endpoints.isEmpty()) {
      return Optional.empty();
    }
    endpoints.sort(Comparator.naturalOrder());
    int chosen = endpoints.get(
        Math.floorMod(roundRobin.computeIfAbsent(name, n -> new AtomicInteger()).getAndIncrement(), endpoints.size()));
    return Optional.of(new InetSocketAddress(POD_IP, pods.port(chosen)));
  }

  // --- shared ---

  static boolean isReady(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
        .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  static boolean isTerminating(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  boolean closed() {
    return closed;
  }

  boolean held(int ordinal) {
    return held.contains(ordinal);
  }

  KubernetesClient client() {
    return client;
  }

  Options options() {
    return options;
  }

  void fail(String where, Throwable failure) {
    LOG.error("InstanceKubelet of {}/{}: {} failed", namespace, cluster, where, failure);
    failures.add(new IllegalStateException(where + " failed", failure));
  }

  private static void join(Thread thread) {
    try {
      thread.join(Duration.ofSeconds(90).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
