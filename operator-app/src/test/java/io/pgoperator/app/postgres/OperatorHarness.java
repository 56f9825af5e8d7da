package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.api.v1alpha1.Conditions;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.children.ChildMeta;
import io.pgoperator.app.postgres.replication.InstanceAddresses;
import io.pgoperator.runtime.OperatorRuntime;
import io.pgoperator.runtime.RuntimeOptions;
import io.pgoperator.runtime.http.BindAddress;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.EnvtestBinaries;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The operator as production starts it ({@link OperatorRuntime#start} with
 * {@link PostgresOperator#controllers}), on the envtest API server, watching one fresh
 * namespace, with no leader election. Plus the test's own blocking admin client and helpers to
 * read children, events and metrics.
 */
final class OperatorHarness implements AutoCloseable {

  static final String CONTROLLER = PostgresOperator.CONTROLLER;
  /** Kinds the operator writes: the resources counted by {@link #apiRequests}. */
  static final Set<String> OPERATOR_RESOURCES = Set.of("statefulsets", "services", "configmaps",
      "secrets", "poddisruptionbudgets", "events", "postgresclusters");
  static final Set<String> WRITE_VERBS = Set.of("POST", "PUT", "PATCH", "DELETE", "APPLY");

  private static boolean crdInstalled;

  final Envtest env = Envtest.get();
  final KubernetesClient client = env.client();
  final String namespace;
  final OperatorRuntime runtime;

  private OperatorHarness(String namespace, OperatorRuntime runtime) {
    this.namespace = namespace;
    this.runtime = runtime;
  }

  /** @param syncPeriod periodic resync of every cluster; zero for none */
  static OperatorHarness start(String prefix, Duration syncPeriod) throws Exception {
    return start(prefix, syncPeriod, InstanceAddresses.IN_CLUSTER);
  }

  /** @param addresses where the operator reaches primaries (the local pods of a test) */
  static OperatorHarness start(String prefix, Duration syncPeriod, InstanceAddresses addresses) throws Exception {
    installCrd();
    return startIn(Envtest.get().createNamespace(prefix), syncPeriod, addresses);
  }

  /** Another operator on the namespace of an earlier one (e.g. the next leader, after the first stopped). */
  static OperatorHarness startIn(String namespace, Duration syncPeriod, InstanceAddresses addresses) throws Exception {
    installCrd();
    RuntimeOptions options = new RuntimeOptions(BindAddress.parse("127.0.0.1:0"),
        BindAddress.parse("127.0.0.1:0"), Optional.empty(), List.of(namespace), 1, syncPeriod,
        Duration.ofSeconds(10));
    OperatorRuntime runtime = OperatorRuntime.start(options, Envtest.get().config(),
        context -> PostgresOperator.controllers(context, addresses)).await(60, TimeUnit.SECONDS);
    return new OperatorHarness(namespace, runtime);
  }

  private static synchronized void installCrd() {
    if (!crdInstalled) {
      Path crd = EnvtestBinaries.repositoryRoot()
          .resolve("deploy/crd/postgresclusters.postgres.example.com-v1.yml");
      Envtest.get().installCrds(List.of(crd));
      crdInstalled = true;
    }
  }

  @Override
  public void close() throws Exception {
    runtime.stop().await(30, TimeUnit.SECONDS);
  }

  // --- the test's own reads and writes (blocking, on the test thread) ---

  PostgresCluster create(PostgresCluster cluster) {
    cluster.getMetadata().setNamespace(namespace);
    return client.resource(cluster).create();
  }

  PostgresCluster cluster(String name) {
    return client.resources(PostgresCluster.class).inNamespace(namespace).withName(name).get();
  }

  /** As {@code kubectl edit} is used: read, change, write; tried again when the operator wrote the status meanwhile. */
  PostgresCluster editCluster(String name, java.util.function.UnaryOperator<PostgresCluster> edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        return client.resources(PostgresCluster.class).inNamespace(namespace).withName(name).edit(edit);
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  StatefulSet statefulSet(String name) {
    return client.apps().statefulSets().inNamespace(namespace).withName(name).get();
  }

  Service service(String name) {
    return client.services().inNamespace(namespace).withName(name).get();
  }

  ConfigMap configMap(String name) {
    return client.configMaps().inNamespace(namespace).withName(name).get();
  }

  io.fabric8.kubernetes.api.model.Pod pod(String name) {
    return client.pods().inNamespace(namespace).withName(name).get();
  }

  Secret secret(String name) {
    return client.secrets().inNamespace(namespace).withName(name).get();
  }

  PodDisruptionBudget disruptionBudget(String name) {
    return client.policy().v1().podDisruptionBudget().inNamespace(namespace).withName(name).get();
  }

  /** Names of the objects labelled as managed by the operator, per kind. */
  Map<String, List<String>> managedChildren() {
    Map<String, String> managed = Map.of(ChildMeta.MANAGED_BY, ChildMeta.OPERATOR);
    Map<String, List<String>> children = new TreeMap<>();
    children.put("ConfigMap", names(client.configMaps().inNamespace(namespace).withLabels(managed).list().getItems()));
    children.put("PodDisruptionBudget", names(client.policy().v1().podDisruptionBudget().inNamespace(namespace)
        .withLabels(managed).list().getItems()));
    children.put("Secret", names(client.secrets().inNamespace(namespace).withLabels(managed).list().getItems()));
    children.put("Service", names(client.services().inNamespace(namespace).withLabels(managed).list().getItems()));
    children.put("StatefulSet", names(client.apps().statefulSets().inNamespace(namespace).withLabels(managed)
        .list().getItems()));
    return children;
  }

  /** Every managed child and the cluster itself: kind/name → resourceVersion. */
  Map<String, String> resourceVersions(String cluster) {
    Map<String, String> versions = childVersions();
    PostgresCluster primary = cluster(cluster);
    versions.put("PostgresCluster/" + cluster, primary.getMetadata().getResourceVersion());
    return versions;
  }

  /** Every managed child in the namespace: kind/name → resourceVersion. */
  Map<String, String> childVersions() {
    Map<String, String> versions = new TreeMap<>();
    Map<String, String> managed = Map.of(ChildMeta.MANAGED_BY, ChildMeta.OPERATOR);
    List<HasMetadata> all = new java.util.ArrayList<>();
    all.addAll(client.configMaps().inNamespace(namespace).withLabels(managed).list().getItems());
    all.addAll(client.secrets().inNamespace(namespace).withLabels(managed).list().getItems());
    all.addAll(client.services().inNamespace(namespace).withLabels(managed).list().getItems());
    all.addAll(client.apps().statefulSets().inNamespace(namespace).withLabels(managed).list().getItems());
    all.addAll(client.policy().v1().podDisruptionBudget().inNamespace(namespace).withLabels(managed).list()
        .getItems());
    all.forEach(o -> versions.put(o.getKind() + "/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
    return versions;
  }

  List<Event> events(String cluster) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> cluster.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  List<Event> events(String cluster, String type, String reason) {
    return events(cluster).stream()
        .filter(e -> type.equals(e.getType()) && reason.equals(e.getReason()))
        .toList();
  }

  /** Plays the StatefulSet controller and kubelet, which envtest does not run. */
  void setReadyReplicas(String name, int ready) {
    StatefulSet statefulSet = statefulSet(name);
    int replicas = statefulSet.getSpec().getReplicas();
    statefulSet.setStatus(new StatefulSetStatusBuilder()
        .withObservedGeneration(statefulSet.getMetadata().getGeneration())
        .withReplicas(replicas)
        .withCurrentReplicas(replicas)
        .withUpdatedReplicas(replicas)
        .withReadyReplicas(ready)
        .withAvailableReplicas(ready)
        .build());
    client.apps().statefulSets().inNamespace(namespace).resource(statefulSet).updateStatus();
  }

  // --- waiting ---

  <T> T await(String what, Supplier<T> read, Predicate<T> accept) {
    return Await.value(what, read, value -> value != null && accept.test(value));
  }

  /** The cluster's status describes its current generation and the given condition holds. */
  PostgresCluster awaitCondition(String name, String type, String status, String reason) {
    return await(name + " " + type + "=" + status + " (" + reason + ")", () -> cluster(name), c -> {
      if (c.getStatus() == null || !c.getMetadata().getGeneration().equals(c.getStatus().getObservedGeneration())) {
        return false;
      }
      return Conditions.find(c.getStatus().getConditions(), type)
          .map(cond -> status.equals(cond.getStatus()) && reason.equals(cond.getReason()))
          .orElse(false);
    });
  }

  PostgresCluster awaitReconciled(String name) {
    return awaitCondition(name, Conditions.RECONCILED, Conditions.TRUE, ClusterStatus.REASON_RECONCILED);
  }

  /** Waits until at least {@code count} more reconciles of this operator have finished. */
  void awaitReconciles(int count) {
    awaitReconciles(reconciles(), count);
  }

  /** Waits until at least {@code count} reconciles have finished since {@code start}. */
  void awaitReconciles(double start, int count) {
    Await.until(count + " more reconciles", Duration.ofSeconds(30), () -> reconciles() >= start + count);
  }

  // --- metrics ---

  double reconciles() {
    return metric("controller_runtime_reconcile_total", "controller=\"" + CONTROLLER + "\"");
  }

  double terminalErrors() {
    return metric("controller_runtime_terminal_reconcile_errors_total", "controller=\"" + CONTROLLER + "\"");
  }

  double retries() {
    return metric("workqueue_retries_total", "name=\"" + CONTROLLER + "\"");
  }

  double errors() {
    return metric("controller_runtime_reconcile_errors_total", "controller=\"" + CONTROLLER + "\"");
  }

  /** Sum of the samples of {@code name} whose labels contain every fragment. */
  double metric(String name, String... labelFragments) {
    return sum(runtime.scrapeMetrics(), name, List.of(labelFragments));
  }

  /**
   * Requests the API server has served for the operator's kinds, from its own
   * {@code apiserver_request_total}: (verb → count). Counts every client, so call it while the
   * test itself is idle.
   */
  Map<String, Double> apiRequests() {
    Map<String, Double> byVerb = new TreeMap<>();
    for (String line : client.raw("/metrics").split("\n")) {
      if (!line.startsWith("apiserver_request_total{")) {
        continue;
      }
      String resource = label(line, "resource");
      if (OPERATOR_RESOURCES.contains(resource)) {
        byVerb.merge(label(line, "verb"), value(line), Double::sum);
      }
    }
    return byVerb;
  }

  private static String label(String line, String name) {
    int start = line.indexOf(name + "=\"");
    if (start < 0) {
      return "";
    }
    start += name.length() + 2;
    return line.substring(start, line.indexOf('"', start));
  }

  private static double value(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  static double sum(String scrape, String name, List<String> fragments) {
    double total = 0;
    for (String line : scrape.split("\n")) {
      if (line.startsWith(name + "{") && fragments.stream().allMatch(line::contains)) {
        total += value(line);
      }
    }
    return total;
  }

  private static List<String> names(List<? extends HasMetadata> objects) {
    return objects.stream().map(o -> o.getMetadata().getName()).sorted().toList();
  }
}
