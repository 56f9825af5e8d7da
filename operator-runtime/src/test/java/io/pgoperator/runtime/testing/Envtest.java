package io.pgoperator.runtime.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

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
    return new Envtest(startApiServer("envtest", config -> config));
  }

  /**
   * Starts etcd + kube-apiserver from the envtest binaries (offline, random ports, the user's
   * kubeconfig left alone), for a test that needs a server of its own, e.g. with extra API server
   * flags added by {@code customise}. {@code label} names the server when it does not start.
   */
  public static KubeAPIServer startApiServer(String label, UnaryOperator<KubeAPIServerConfigBuilder> customise) {
    EnvtestBinaries binaries = EnvtestBinaries.locate();
    KubeAPIServer server = new KubeAPIServer(customise.apply(KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withTestDir(binaries.baseDir().toString())
        .withApiServerVersion(binaries.version())
        .withOfflineMode(true)
        .withUpdateKubeConfig(false)
        .withStartupTimeout(120_000))
        .build());
    try {
      server.start();
    } catch (RuntimeException e) {
      EnvtestLogs.printTail(System.err);
      throw new IllegalStateException("the " + label + " API server (v" + binaries.version() + ") did not start; logs: "
          + EnvtestLogs.FILE.toAbsolutePath(), e);
    }
    return server;
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
    Crds.install(client, files);
  }

  /** Waits until the CRD with this name serves its resource. */
  public void awaitEstablished(String crdName) {
    Crds.awaitEstablished(client, crdName);
  }

  private void stop() {
    client.close();
    server.stop();
  }
}
