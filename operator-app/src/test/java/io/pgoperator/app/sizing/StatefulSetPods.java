package io.pgoperator.app.sizing;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pgoperator.app.postgres.children.ChildMeta;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Plays the StatefulSet controller, and only its pod creation, for the operator's StatefulSets
 * in one namespace (envtest runs no controllers): the pods {@code <statefulset>-<ordinal>} below
 * {@code spec.replicas}, from the template as the controller makes them (its labels plus
 * {@code statefulset.kubernetes.io/pod-name}, {@code apps.kubernetes.io/pod-index} and
 * {@code controller-revision-hash}, its annotations, a controller reference to the StatefulSet,
 * {@code hostname}/{@code subdomain}, a volume per claim template naming the claim
 * {@code <claim>-<pod>}). They stay Pending: no node, no kubelet. In a real cluster the operator
 * caches these pods too (its instance pod informer), so the benchmark must have them. Never
 * touches the operator's own objects.
 */
final class StatefulSetPods implements AutoCloseable {

  static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
  static final String REVISION_LABEL = "controller-revision-hash";
  private static final int THREADS = 4;

  private final KubernetesClient admin;
  private final String namespace;
  private final ExecutorService creators = Executors.newFixedThreadPool(THREADS, task -> {
    Thread thread = new Thread(task, "sizing-statefulset-pods");
    thread.setDaemon(true);
    return thread;
  });
  /** Pod names created or found, and the pods every StatefulSet seen so far asks for. */
  private final Set<String> present = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> wanted = new ConcurrentHashMap<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicInteger created = new AtomicInteger();
  private final SharedIndexInformer<StatefulSet> statefulSets;

  StatefulSetPods(KubernetesClient admin, String namespace) {
    this.admin = admin;
    this.namespace = namespace;
    if (admin.serviceAccounts().inNamespace(namespace).withName("default").get() == null) {
      // No controller-manager creates it here; Pod admission wants it.
      admin.serviceAccounts().inNamespace(namespace)
          .resource(new ServiceAccountBuilder().withNewMetadata().withName("default").endMetadata().build()).create();
    }
    statefulSets = admin.apps().statefulSets().inNamespace(namespace).withLabel(ChildMeta.MANAGED_BY, ChildMeta.OPERATOR)
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(StatefulSet statefulSet) {
            ensurePods(statefulSet);
          }

          @Override
          public void onUpdate(StatefulSet before, StatefulSet statefulSet) {
            ensurePods(statefulSet);
          }

          @Override
          public void onDelete(StatefulSet statefulSet, boolean finalStateUnknown) {
            wanted.remove(statefulSet.getMetadata().getName());
          }
        });
  }

  /** Pods this harness created so far. */
  int created() {
    return created.get();
  }

  /** The pods the StatefulSets seen so far ask for. */
  int wanted() {
    return wanted.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Fails, with the first error, when a pod could not be created. */
  void requireNoFailure() {
    Throwable error = failure.get();
    if (error != null) {
      throw new AssertionError("the harness could not create a StatefulSet's pod in " + namespace + ": " + error, error);
    }
  }

  /** True once {@code statefulSets} StatefulSets have been seen and every pod they ask for exists. */
  boolean complete(int statefulSets) {
    requireNoFailure();
    return wanted.size() >= statefulSets && wanted.entrySet().stream().allMatch(e -> {
      for (int i = 0; i < e.getValue(); i++) {
        if (!present.contains(e.getKey() + "-" + i)) {
          return false;
        }
      }
      return true;
    });
  }

  private void ensurePods(StatefulSet statefulSet) {
    int replicas = statefulSet.getSpec().getReplicas() == null ? 1 : statefulSet.getSpec().getReplicas();
    wanted.put(statefulSet.getMetadata().getName(), replicas);
    for (int ordinal = 0; ordinal < replicas; ordinal++) {
      String name = statefulSet.getMetadata().getName() + "-" + ordinal;
      if (!present.contains(name)) {
        int index = ordinal;
        creators.execute(() -> create(statefulSet, name, index));
      }
    }
  }

  private void create(StatefulSet statefulSet, String name, int ordinal) {
    if (present.contains(name)) {
      return;
    }
    try {
      admin.pods().inNamespace(namespace).resource(pod(statefulSet, name, ordinal)).create();
      created.incrementAndGet();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) { // 409: there already (from an earlier event of the same StatefulSet)
        failure.compareAndSet(null, e);
        return;
      }
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
      return;
    }
    present.add(name);
  }

  private Pod pod(StatefulSet statefulSet, String name, int ordinal) {
    PodTemplateSpec template = statefulSet.getSpec().getTemplate();
    PodSpec spec = admin.getKubernetesSerialization().clone(template.getSpec());
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
    Map<String, String> labels = new LinkedHashMap<>(template.getMetadata() == null
        || template.getMetadata().getLabels() == null ? Map.of() : template.getMetadata().getLabels());
    labels.put(ChildMeta.POD_NAME_LABEL, name);
    labels.put(POD_INDEX_LABEL, Integer.toString(ordinal));
    labels.put(REVISION_LABEL, revision(statefulSet));
    Map<String, String> annotations = new LinkedHashMap<>(template.getMetadata() == null
        || template.getMetadata().getAnnotations() == null ? Map.of() : template.getMetadata().getAnnotations());
    return new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).withAnnotations(annotations)
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("StatefulSet")
            .withName(statefulSet.getMetadata().getName()).withUid(statefulSet.getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(true).build())
        .endMetadata()
        .withSpec(spec)
        .build();
  }

  /** {@code <statefulset>-<hash of the pod template>}, as the controller names its revisions. */
  private String revision(StatefulSet statefulSet) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(
          admin.getKubernetesSerialization().asJson(statefulSet.getSpec().getTemplate()).getBytes(StandardCharsets.UTF_8));
      return statefulSet.getMetadata().getName() + "-" + HexFormat.of().formatHex(digest).substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits up to {@code deadline} until {@link #complete}; fails clearly otherwise. */
  void awaitComplete(int statefulSets, Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!complete(statefulSets)) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("after " + deadline + " the harness has seen " + wanted.size() + " of " + statefulSets
            + " StatefulSets in " + namespace + " and created " + created() + " of their " + wanted() + " pods");
      }
      ClusterLoad.sleep(Duration.ofMillis(500));
    }
  }

  @Override
  public void close() {
    statefulSets.stop();
    creators.shutdownNow();
  }
}
