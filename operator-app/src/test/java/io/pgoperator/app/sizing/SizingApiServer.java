package io.pgoperator.app.sizing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDRBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pgoperator.runtime.testing.EnvtestBinaries;
import io.pgoperator.runtime.testing.EnvtestLogs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd + kube-apiserver (the envtest binaries) with room for 1,000s of Services. Every
 * PostgresCluster gets a ClusterIP Service ({@code <name>-rw}); the service range kube-api-test
 * gives kube-apiserver, a /24 (appended after any flag of ours, so it cannot be overridden), runs
 * out after about 250 and fails further creates with 500 "failed to allocate a serviceIP: range
 * is full". Since Kubernetes 1.33 a ServiceCIDR object extends the range at runtime; the shared
 * {@code Envtest} would keep the extension for every later test, so this benchmark, which runs in
 * a JVM of its own, starts a server of its own.
 */
final class SizingApiServer implements AutoCloseable {

  static final String SERVICE_RANGE = "10.96.0.0/16";

  private final KubeAPIServer server;
  private final KubernetesClient client;

  private SizingApiServer(KubeAPIServer server) {
    this.server = server;
    Config config = Config.fromKubeconfig(server.getKubeConfigYaml());
    // Deleting 5,000 clusters' Services (their cluster IPs released one by one) takes minutes.
    config.setRequestTimeout(600_000);
    this.client = new KubernetesClientBuilder().withConfig(config).build();
  }

  static SizingApiServer start() {
    EnvtestBinaries binaries = EnvtestBinaries.locate();
    KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withTestDir(binaries.baseDir().toString())
        .withApiServerVersion(binaries.version())
        .withOfflineMode(true)
        .withUpdateKubeConfig(false)
        .withStartupTimeout(120_000)
        .build());
    try {
      server.start();
    } catch (RuntimeException e) {
      EnvtestLogs.printTail(System.err);
      throw new IllegalStateException("the envtest API server (v" + binaries.version() + ") did not start; logs: "
          + EnvtestLogs.FILE.toAbsolutePath(), e);
    }
    SizingApiServer started = new SizingApiServer(server);
    started.client.resource(new ServiceCIDRBuilder().withNewMetadata().withName("sizing").endMetadata()
        .withNewSpec().withCidrs(SERVICE_RANGE).endSpec().build()).create();
    return started;
  }

  String kubeconfigYaml() {
    return server.getKubeConfigYaml();
  }

  KubernetesClient client() {
    return client;
  }

  void createNamespace(String name) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
  }

  void installCrd(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      for (HasMetadata object : client.load(in).items()) {
        CustomResourceDefinition crd = (CustomResourceDefinition) object;
        client.resource(crd).forceConflicts().serverSideApply();
        client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
            .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
                && c.getStatus().getConditions().stream()
                    .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
                30, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CRD file " + file, e);
    }
  }

  @Override
  public void close() {
    client.close();
    server.stop();
  }
}
