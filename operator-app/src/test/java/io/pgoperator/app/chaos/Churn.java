package io.pgoperator.app.chaos;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterSpec;
import io.pgoperator.api.v1alpha1.StorageSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The churn of PostgresClusters, made by the admin straight on the API server (never through the
 * fault proxy): creates, spec updates (instances 1 ↔ 3, {@code parameters.work_mem}) and
 * deletes, keeping the live count between {@code min} and {@code max}, plus the recovery probes
 * the fault loop creates. Keeps a ledger of every cluster: its expected spec and the generation
 * each update produced, to check convergence and count lost updates at the end; and stands in for
 * the garbage collector ({@link #collectGarbage}). Thread-safe.
 */
final class Churn {

  private static final String[] WORK_MEM = {"4MB", "8MB", "16MB", "32MB", "64MB"};

  /** One spec change: the generation the API server gave it. */
  record Update(Instant at, long generation, String what) {}

  /** A cluster the benchmark made. */
  static final class Tracked {
    final String name;
    final boolean probe;
    final Instant created;
    volatile String uid;
    volatile Instant deleted;
    volatile int instances;
    volatile String workMem;
    final List<Update> updates = new ArrayList<>();

    Tracked(String name, boolean probe, Instant created) {
      this.name = name;
      this.probe = probe;
      this.created = created;
    }

    boolean live() {
      return deleted == null;
    }
  }

  private final KubernetesClient admin;
  private final String namespace;
  private final Random random;
  private final int min;
  private final int max;
  private final Map<String, Tracked> ledger = new LinkedHashMap<>();
  private int sequence;
  private int creates;
  private int updates;
  private int deletes;
  private int errors;
  private int consecutiveErrors;
  private final List<String> errorSamples = new ArrayList<>();
  private int collected;
  private int lateChildren;
  private final List<String> lateSamples = new ArrayList<>();

  Churn(KubernetesClient admin, String namespace, Random random, int min, int max) {
    this.admin = admin;
    this.namespace = namespace;
    this.random = random;
    this.min = min;
    this.max = max;
  }

  /** One random operation: create below {@code min}, delete above {@code max}, otherwise 30/45/25 create/update/delete. */
  void step() {
    List<Tracked> candidates = churnable();
    int live = liveCount();
    int roll = random.nextInt(100);
    int pick = random.nextInt(Integer.MAX_VALUE);
    boolean toggleInstances = random.nextBoolean();
    String workMem = WORK_MEM[random.nextInt(WORK_MEM.length)];
    try {
      if (live < min || candidates.isEmpty() || (live < max && roll < 30)) {
        create(toggleInstances ? 3 : 1, roll % 2 == 0 ? workMem : null);
      } else if (live > max || roll >= 75) {
        delete(candidates.get(pick % candidates.size()));
      } else {
        update(candidates.get(pick % candidates.size()), toggleInstances, workMem);
      }
      synchronized (this) {
        consecutiveErrors = 0;
      }
    } catch (KubernetesClientException e) {
      synchronized (this) {
        errors++;
        consecutiveErrors++;
        if (errorSamples.size() < 10) {
          errorSamples.add(Instant.now() + " " + e.getMessage());
        }
      }
    }
  }

  private synchronized List<Tracked> churnable() {
    return ledger.values().stream().filter(t -> t.live() && !t.probe).toList();
  }

  synchronized int liveCount() {
    return (int) ledger.values().stream().filter(t -> t.live() && !t.probe).count();
  }

  /** A new cluster named {@code c-NNNN}. */
  Tracked create(int instances, String workMem) {
    String name;
    synchronized (this) {
      name = String.format("c-%04d", ++sequence);
    }
    return create(name, false, instances, workMem);
  }

  /** A recovery probe: one instance, no parameters; not touched by the churn. */
  Tracked createProbe(String name) {
    return create(name, true, 1, null);
  }

  private Tracked create(String name, boolean probe, int instances, String workMem) {
    PostgresClusterSpec spec = new PostgresClusterSpec();
    spec.setInstances(instances);
    spec.setStorage(new StorageSpec("1Gi", null));
    if (workMem != null) {
      spec.setParameters(Map.of("work_mem", workMem));
    }
    PostgresCluster cluster = new PostgresCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    cluster.setSpec(spec);
    Instant at = Instant.now();
    PostgresCluster created = admin.resource(cluster).create();
    Tracked tracked = new Tracked(name, probe, at);
    tracked.uid = created.getMetadata().getUid();
    tracked.instances = instances;
    tracked.workMem = workMem;
    synchronized (this) {
      tracked.updates.add(new Update(at, created.getMetadata().getGeneration(), "create"));
      ledger.put(name, tracked);
      if (!probe) {
        creates++;
      }
    }
    return tracked;
  }

  private void update(Tracked target, boolean toggleInstances, String workMem) {
    String patch;
    String what;
    if (toggleInstances) {
      int instances = target.instances == 1 ? 3 : 1;
      patch = "{\"spec\":{\"instances\":" + instances + "}}";
      what = "instances " + target.instances + "->" + instances;
    } else {
      String value = workMem.equals(target.workMem) ? "2MB" : workMem;
      patch = "{\"spec\":{\"parameters\":{\"work_mem\":\"" + value + "\"}}}";
      what = "work_mem " + target.workMem + "->" + value;
    }
    Instant at = Instant.now();
    PostgresCluster patched = admin.resources(PostgresCluster.class).inNamespace(namespace).withName(target.name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    synchronized (this) {
      target.instances = patched.getSpec().getInstances();
      Map<String, String> parameters = patched.getSpec().getParameters();
      target.workMem = parameters == null ? null : parameters.get("work_mem");
      target.updates.add(new Update(at, patched.getMetadata().getGeneration(), what));
      updates++;
    }
  }

  void delete(Tracked target) {
    admin.resources(PostgresCluster.class).inNamespace(namespace).withName(target.name).delete();
    synchronized (this) {
      target.deleted = Instant.now();
      if (!target.probe) {
        deletes++;
      }
    }
  }

  /**
   * Stands in for kube-controller-manager's garbage collector, which envtest lacks: deletes the
   * children (StatefulSets, ConfigMaps, Secrets, Services, PodDisruptionBudgets) owner-referenced
   * to clusters deleted at least {@code minAge} ago, on every call (so a child created after an
   * earlier pass goes too). Without it the ClusterIP Services of deleted clusters exhaust the API
   * server's service range (kube-api-test fixes {@code --service-cluster-ip-range=10.0.0.0/24})
   * within minutes, and every later create of a Service fails with 500.
   */
  void collectGarbage(Duration minAge) {
    Instant cutoff = Instant.now().minus(minAge);
    Map<String, Tracked> deleted = new HashMap<>();
    synchronized (this) {
      for (Tracked t : ledger.values()) {
        if (t.deleted != null && t.deleted.isBefore(cutoff) && t.uid != null) {
          deleted.put(t.uid, t);
        }
      }
    }
    if (deleted.isEmpty()) {
      return;
    }
    collect(deleted, admin.apps().statefulSets().inNamespace(namespace).list().getItems(),
        n -> admin.apps().statefulSets().inNamespace(namespace).withName(n).delete());
    collect(deleted, admin.configMaps().inNamespace(namespace).list().getItems(),
        n -> admin.configMaps().inNamespace(namespace).withName(n).delete());
    collect(deleted, admin.secrets().inNamespace(namespace).list().getItems(),
        n -> admin.secrets().inNamespace(namespace).withName(n).delete());
    collect(deleted, admin.services().inNamespace(namespace).list().getItems(),
        n -> admin.services().inNamespace(namespace).withName(n).delete());
    collect(deleted, admin.policy().v1().podDisruptionBudget().inNamespace(namespace).list().getItems(),
        n -> admin.policy().v1().podDisruptionBudget().inNamespace(namespace).withName(n).delete());
  }

  private void collect(Map<String, Tracked> deleted, List<? extends HasMetadata> children, Consumer<String> delete) {
    for (HasMetadata child : children) {
      List<OwnerReference> owners = child.getMetadata().getOwnerReferences();
      Tracked owner = owners == null ? null : owners.stream().map(o -> deleted.get(o.getUid()))
          .filter(Objects::nonNull).findFirst().orElse(null);
      if (owner == null) {
        continue;
      }
      delete.accept(child.getMetadata().getName());
      Instant created = child.getMetadata().getCreationTimestamp() == null ? null
          : Instant.parse(child.getMetadata().getCreationTimestamp());
      synchronized (this) {
        collected++;
        if (created != null && created.isAfter(owner.deleted)) {
          lateChildren++;
          if (lateSamples.size() < 10) {
            lateSamples.add(child.getKind() + " " + child.getMetadata().getName() + " created " + created
                + ", its cluster deleted " + owner.deleted);
          }
        }
      }
    }
  }

  /** Children the stand-in garbage collector deleted. */
  synchronized int collected() {
    return collected;
  }

  /**
   * Collected children created after their owner was deleted: a reconcile that raced the delete
   * (its cache still had the cluster); harmless, the garbage collector removes them.
   */
  synchronized int lateChildren() {
    return lateChildren;
  }

  synchronized List<String> lateSamples() {
    return List.copyOf(lateSamples);
  }

  synchronized List<Tracked> all() {
    return List.copyOf(ledger.values());
  }

  synchronized int creates() {
    return creates;
  }

  synchronized int updates() {
    return updates;
  }

  synchronized int deletes() {
    return deletes;
  }

  synchronized int errors() {
    return errors;
  }

  synchronized int consecutiveErrors() {
    return consecutiveErrors;
  }

  synchronized List<String> errorSamples() {
    return List.copyOf(errorSamples);
  }
}
