package io.pgoperator.app.chaos;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.children.ChildNames;
import io.pgoperator.app.postgres.children.PostgresConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One look at the namespace after the soak: does every live PostgresCluster report its current
 * generation as observed, with children that match its spec; what is left of deleted ones; and
 * which spec updates never reached {@code status.observedGeneration}.
 */
final class Convergence {

  /** A live cluster that has not converged, and why. */
  record Problem(String cluster, String why) {}

  /** A spec update (or create) whose generation the status never reported. */
  record LostUpdate(String cluster, Churn.Update update, Long observedGeneration) {}

  final int liveOnServer;
  final int converged;
  final List<Problem> problems;
  final List<LostUpdate> lostUpdates;
  /** Children (by kind) owned by a cluster that no longer exists: garbage collection does not run in envtest. */
  final Map<String, Integer> leftovers;
  /** Children without an owner reference to a PostgresCluster, or owned by a live one under another name. */
  final List<String> strays;

  private Convergence(int liveOnServer, int converged, List<Problem> problems, List<LostUpdate> lostUpdates,
      Map<String, Integer> leftovers, List<String> strays) {
    this.liveOnServer = liveOnServer;
    this.converged = converged;
    this.problems = problems;
    this.lostUpdates = lostUpdates;
    this.leftovers = leftovers;
    this.strays = strays;
  }

  boolean done() {
    return problems.isEmpty();
  }

  static Convergence check(KubernetesClient admin, String namespace, List<Churn.Tracked> ledger) {
    List<PostgresCluster> clusters = admin.resources(PostgresCluster.class).inNamespace(namespace).list().getItems();
    Map<String, StatefulSet> statefulSets = byName(admin.apps().statefulSets().inNamespace(namespace).list()
        .getItems());
    Map<String, ConfigMap> configMaps = byName(admin.configMaps().inNamespace(namespace).list().getItems());
    Map<String, Secret> secrets = byName(admin.secrets().inNamespace(namespace).list().getItems());
    Map<String, Service> services = byName(admin.services().inNamespace(namespace).list().getItems());
    Map<String, PodDisruptionBudget> budgets = byName(admin.policy().v1().podDisruptionBudget().inNamespace(namespace)
        .list().getItems());

    Map<String, PostgresCluster> live = clusters.stream()
        .collect(Collectors.toMap(c -> c.getMetadata().getName(), Function.identity()));
    Map<String, String> liveUids = clusters.stream()
        .collect(Collectors.toMap(c -> c.getMetadata().getUid(), c -> c.getMetadata().getName()));

    List<Problem> problems = new ArrayList<>();
    List<LostUpdate> lost = new ArrayList<>();
    int converged = 0;
    for (Churn.Tracked tracked : ledger) {
      PostgresCluster cluster = live.get(tracked.name);
      if (tracked.live() && cluster == null) {
        problems.add(new Problem(tracked.name, "missing on the API server, though never deleted"));
        continue;
      }
      if (!tracked.live() && cluster != null) {
        problems.add(new Problem(tracked.name, "deleted at " + tracked.deleted + " but still there (deletionTimestamp "
            + cluster.getMetadata().getDeletionTimestamp() + ", finalizers " + cluster.getMetadata().getFinalizers()
            + ")"));
        continue;
      }
      if (cluster == null) {
        continue;
      }
      List<String> why = check(cluster, tracked, statefulSets, configMaps, secrets, services, budgets);
      if (why.isEmpty()) {
        converged++;
      } else {
        problems.add(new Problem(tracked.name, String.join("; ", why)));
      }
      Long observed = cluster.getStatus() == null ? null : cluster.getStatus().getObservedGeneration();
      for (Churn.Update update : tracked.updates) {
        if (observed == null || observed < update.generation()) {
          lost.add(new LostUpdate(tracked.name, update, observed));
        }
      }
    }

    Map<String, Integer> leftovers = new TreeMap<>();
    List<String> strays = new ArrayList<>();
    Map<String, List<? extends HasMetadata>> children = new LinkedHashMap<>();
    children.put("StatefulSet", List.copyOf(statefulSets.values()));
    children.put("ConfigMap", List.copyOf(configMaps.values()));
    children.put("Secret", List.copyOf(secrets.values()));
    children.put("Service", List.copyOf(services.values()));
    children.put("PodDisruptionBudget", List.copyOf(budgets.values()));
    Set<String> ledgerUids = ledger.stream().map(t -> t.uid).filter(Objects::nonNull).collect(Collectors.toSet());
    children.forEach((kind, objects) -> {
      for (HasMetadata child : objects) {
        OwnerReference owner = child.getMetadata().getOwnerReferences() == null ? null
            : child.getMetadata().getOwnerReferences().stream().filter(o -> "PostgresCluster".equals(o.getKind()))
                .findFirst().orElse(null);
        if (owner == null) {
          if (!(child instanceof ConfigMap && child.getMetadata().getName().equals("kube-root-ca.crt"))
              && !(child instanceof Secret s && s.getType() != null && s.getType().startsWith("kubernetes.io/"))) {
            strays.add(kind + " " + child.getMetadata().getName() + " has no PostgresCluster owner");
          }
        } else if (liveUids.containsKey(owner.getUid())) {
          if (!Objects.equals(liveUids.get(owner.getUid()), owner.getName())) {
            strays.add(kind + " " + child.getMetadata().getName() + " owned by uid " + owner.getUid()
                + " under the name " + owner.getName());
          }
        } else if (ledgerUids.contains(owner.getUid())) {
          leftovers.merge(kind, 1, Integer::sum);
        } else {
          strays.add(kind + " " + child.getMetadata().getName() + " owned by an unknown PostgresCluster uid "
              + owner.getUid());
        }
      }
    });
    return new Convergence(clusters.size(), converged, problems, lost, leftovers, strays);
  }

  private static List<String> check(PostgresCluster cluster, Churn.Tracked tracked, Map<String, StatefulSet> statefulSets,
      Map<String, ConfigMap> configMaps, Map<String, Secret> secrets, Map<String, Service> services,
      Map<String, PodDisruptionBudget> budgets) {
    String name = cluster.getMetadata().getName();
    String uid = cluster.getMetadata().getUid();
    List<String> why = new ArrayList<>();
    Long generation = cluster.getMetadata().getGeneration();
    Long observed = cluster.getStatus() == null ? null : cluster.getStatus().getObservedGeneration();
    if (!Objects.equals(generation, observed)) {
      why.add("status.observedGeneration " + observed + " != generation " + generation);
    }
    int instances = cluster.getSpec().getInstances() == null ? 1 : cluster.getSpec().getInstances();
    if (instances != tracked.instances) {
      why.add("spec.instances " + instances + " but the churn last set " + tracked.instances);
    }
    StatefulSet sts = statefulSets.get(ChildNames.statefulSet(name));
    if (sts == null) {
      why.add("no StatefulSet");
    } else {
      if (!Objects.equals(sts.getSpec().getReplicas(), instances)) {
        why.add("StatefulSet replicas " + sts.getSpec().getReplicas() + " != spec.instances " + instances);
      }
      if (!ownedBy(sts, uid)) {
        why.add("StatefulSet not owned by this cluster");
      }
    }
    ConfigMap config = configMaps.get(ChildNames.configMap(name));
    if (config == null) {
      why.add("no ConfigMap " + ChildNames.configMap(name));
    } else {
      Map<String, String> parameters = cluster.getSpec().getParameters();
      String workMem = parameters == null ? null : parameters.get("work_mem");
      String conf = config.getData() == null ? "" : config.getData().getOrDefault(PostgresConfig.POSTGRESQL_CONF, "");
      if (workMem != null && !conf.contains("work_mem = '" + workMem + "'")) {
        why.add("ConfigMap " + config.getMetadata().getName() + " lacks work_mem = '" + workMem + "'");
      }
    }
    if (secrets.get(ChildNames.credentialsSecret(name)) == null) {
      why.add("no Secret " + ChildNames.credentialsSecret(name));
    }
    boolean replicas = instances > 1;
    if (replicas != services.containsKey(ChildNames.readOnlyService(name))) {
      why.add("Service " + ChildNames.readOnlyService(name) + (replicas ? " missing" : " present")
          + " with " + instances + " instance(s)");
    }
    if (replicas != budgets.containsKey(ChildNames.disruptionBudget(name))) {
      why.add("PodDisruptionBudget " + (replicas ? "missing" : "present") + " with " + instances + " instance(s)");
    }
    return why;
  }

  private static boolean ownedBy(HasMetadata child, String uid) {
    return child.getMetadata().getOwnerReferences() != null
        && child.getMetadata().getOwnerReferences().stream().anyMatch(o -> uid.equals(o.getUid()));
  }

  private static <T extends HasMetadata> Map<String, T> byName(List<T> items) {
    Map<String, T> map = new LinkedHashMap<>();
    items.forEach(i -> map.put(i.getMetadata().getName(), i));
    return map;
  }
}
