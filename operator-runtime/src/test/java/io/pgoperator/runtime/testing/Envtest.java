package io.pgoperator.runtime.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real etcd + kube-apiserver for tests (envtest), started once per test JVM and stopped at
 * exit. Binaries come from {@code envtest/build.sh}, in the layout io.fabric8:kube-api-test
 * reads; when they are missing this fails with the command that builds them, never skips.
 */
public final class Envtest implements ApiServer {

  private static Envtest instance;

  private final KubeAPIServer server;
  private final Config config;
  private final KubernetesClient client;

  private Envtest(KubeAPIServer server) {
    this.server = server;
    this.config = Config.fromKubeconfig(server.getKubeConfigYaml());
    this.config.setRequestTimeout(30_000);
    this.client = new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The JVM-wide real API server, started on first use. */
  public static synchronized Envtest get() {
    if (instance == null) {
      instance = start();
      Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "envtest-stop"));
    }
    return instance;
  }

  private static Envtest start() {
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
    return new Envtest(server);
  }

  @Override
  public String name() {
    return "envtest";
  }

  @Override
  public boolean isReal() {
    return true;
  }

  @Override
  public Config config() {
    return config;
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  /** The kubeconfig of the admin user, for processes the test starts (kubectl, the operator jar). */
  public String kubeconfigYaml() {
    return server.getKubeConfigYaml();
  }

  /** Applies CRDs from YAML files (server-side) and waits until each is established. */
  public void installCrds(List<Path> files) {
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        for (HasMetadata object : client.load(in).items()) {
          CustomResourceDefinition crd = (CustomResourceDefinition) object;
          client.resource(crd).forceConflicts().serverSideApply();
          awaitEstablished(crd.getMetadata().getName());
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot read CRD file " + file, e);
      }
    }
  }

  /** Waits until the CRD with this name serves its resource. */
  public void awaitEstablished(String crdName) {
    client.apiextensions().v1().customResourceDefinitions().withName(crdName)
        .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
            && c.getStatus().getConditions().stream()
                .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
            Duration.ofSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private void stop() {
    client.close();
    server.stop();
  }
}
