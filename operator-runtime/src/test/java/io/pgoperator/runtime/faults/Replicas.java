package io.pgoperator.runtime.faults;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.pgoperator.runtime.OperatorRuntime;
import io.pgoperator.runtime.RuntimeOptions;
import io.pgoperator.runtime.controller.ControllerVerticle;
import io.pgoperator.runtime.http.BindAddress;
import io.pgoperator.runtime.leader.LeaderElectionConfig;
import io.pgoperator.runtime.reconcile.ReconcileScope;
import io.pgoperator.runtime.reconcile.Result;
import io.pgoperator.runtime.source.InformerSource;
import io.pgoperator.runtime.source.KeyMapper;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.ServiceAccountTokens;
import io.pgoperator.runtime.testing.faults.FaultProxy;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Operator replicas (the production {@link OperatorRuntime}, leader election on) behind a
 * {@link FaultProxy}, each with a ServiceAccount token of its own so the proxy can tell them apart
 * and fault one of them. Their controller reconciles ConfigMaps named {@code in-*} by writing
 * {@code out-*} with the writer's identity and term.
 */
final class Replicas implements AutoCloseable {

  static final String LEASE = "faults-test";

  final Envtest server = Envtest.get();
  final String namespace;
  final FaultProxy proxy;
  final Map<String, OperatorRuntime> running = new LinkedHashMap<>();
  private final Map<String, String> tokens = new LinkedHashMap<>();
  private final LeaderElectionConfig timings;

  Replicas(String prefix, Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    this.namespace = server.createNamespace(prefix);
    this.proxy = FaultProxy.start(server.config());
    this.timings = LeaderElectionConfig.of(namespace, LEASE)
        .withTimings(leaseDuration, renewDeadline, retryPeriod);
  }

  /** Starts replica {@code name} (its identity too), talking to the API server through the proxy only. */
  OperatorRuntime start(String name) throws Exception {
    String token = tokens.computeIfAbsent(name, this::serviceAccountToken);
    proxy.name(token, name);
    Config config = proxy.clientConfig(token);
    config.setNamespace(namespace);
    RuntimeOptions options = new RuntimeOptions(BindAddress.parse("127.0.0.1:0"), BindAddress.parse("127.0.0.1:0"),
        Optional.of(timings.withIdentity(name)), List.of(namespace), 1, Duration.ZERO, Duration.ofSeconds(4));
    OperatorRuntime runtime = OperatorRuntime.start(options, config, context -> {
      InformerSource<ConfigMap> configMaps =
          new InformerSource<>(context.client(), ConfigMap.class, List.of(namespace), KeyMapper.self());
      return List.of(new ControllerVerticle(context.controllerOptions("faults"), configMaps, List.of(),
            request -> {
              // Level-based, from the cache, as a real reconciler: a deleted "in" writes nothing.
              if (!request.name().startsWith("in-") || configMaps.get(request) == null) {
                return Future.succeededFuture(Result.done());
              }
              String writer = name + " term " + ReconcileScope.current().term().number();
              return context.calls().write("write out", client -> client.configMaps().inNamespace(namespace)
                      .resource(new ConfigMapBuilder().withNewMetadata()
                          .withName("out-" + request.name().substring(3)).endMetadata()
                          .addToData("writer", writer).build())
                      .createOr(NonDeletingOperation::update))
                  .map(written -> Result.done());
            }, context.leadership(), context.registry()));
    }).await(60, TimeUnit.SECONDS);
    running.put(name, runtime);
    return runtime;
  }

  /** The replicas that lead now. */
  List<String> leaders() {
    List<String> leaders = new ArrayList<>();
    running.forEach((name, runtime) -> {
      if (runtime.leadership().isLeader()) {
        leaders.add(name);
      }
    });
    return leaders;
  }

  String awaitOneLeader() {
    return Await.value("exactly one leader", this::leaders, l -> l.size() == 1).get(0);
  }

  void createIn(String name) {
    server.client().configMaps().inNamespace(namespace)
        .resource(new ConfigMapBuilder().withNewMetadata().withName("in-" + name).endMetadata().build()).create();
  }

  /** Who wrote out-{@code name} ("replica term n"), or null while nobody has. */
  String writerOf(String name) {
    ConfigMap out = server.client().configMaps().inNamespace(namespace).withName("out-" + name).get();
    return out == null || out.getData() == null ? null : out.getData().get("writer");
  }

  Lease lease() {
    return server.client().leases().inNamespace(namespace).withName(LEASE).get();
  }

  /** Whether {@code out-<name>} exists. */
  boolean hasOut(String name) {
    return server.client().configMaps().inNamespace(namespace).withName("out-" + name).get() != null;
  }

  void deleteIn(String name) {
    server.client().configMaps().inNamespace(namespace).withName("in-" + name).delete();
  }

  void deleteOut(String name) {
    server.client().configMaps().inNamespace(namespace).withName("out-" + name).delete();
  }

  /** Keys queued or being reconciled by {@code name}'s controller, from its own metrics. */
  double backlog(String name) {
    return metric(name, "workqueue_depth{") + metric(name, "controller_runtime_active_workers{");
  }

  /** The sum of the series of {@code name}'s controller whose line starts with {@code prefix}, from its /metrics. */
  double metric(String name, String prefix) {
    double total = 0;
    for (String line : running.get(name).scrapeMetrics().lines().toList()) {
      if (line.startsWith(prefix) && line.contains("\"faults\"")) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  Instant acquiredAt() {
    return lease().getSpec().getAcquireTime().toInstant();
  }

  @Override
  public void close() throws Exception {
    proxy.clear();
    proxy.outage(false);
    for (OperatorRuntime runtime : running.values()) {
      runtime.stop().await(30, TimeUnit.SECONDS);
    }
    proxy.close();
  }

  private String serviceAccountToken(String name) {
    return ServiceAccountTokens.namespaceAdmin(server.client(), server.config(), namespace, name, Duration.ofHours(1));
  }

}
