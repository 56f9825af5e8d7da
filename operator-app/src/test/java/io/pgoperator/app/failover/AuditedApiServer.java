package io.pgoperator.app.failover;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
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
 * A real etcd + kube-apiserver (the envtest binaries) that writes an audit log naming each
 * request's verb, resource, user agent and response code. The shared {@code Envtest}
 * cannot be given API server flags, so the benchmark, which runs in a JVM of its own, starts this
 * one instead.
 */
final class AuditedApiServer implements AutoCloseable {

  /**
   * Metadata of every request when it arrives (watches included, which complete late) and when
   * it completes (with the response code).
   */
  private static final String POLICY = """
      apiVersion: audit.k8s.io/v1
      kind: Policy
      omitStages: ["ResponseStarted", "Panic"]
      rules:
        - level: Metadata
      """;

  private final KubeAPIServer server;
  private final KubernetesClient client;
  private final AuditLog audit;

  private AuditedApiServer(KubeAPIServer server, AuditLog audit) {
    this.server = server;
    this.audit = audit;
    Config config = Config.fromKubeconfig(server.getKubeConfigYaml());
    config.setUserAgent("failover-benchmark/test");
    config.setRequestTimeout(30_000);
    this.client = new KubernetesClientBuilder().withConfig(config).build();
  }

  static AuditedApiServer start(Path dir) {
    EnvtestBinaries binaries = EnvtestBinaries.locate();
    Path policy = dir.resolve("audit-policy.yaml");
    Path log = dir.resolve("audit.log");
    try {
      Files.createDirectories(dir);
      Files.writeString(policy, POLICY);
      Files.deleteIfExists(log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the audit policy to " + policy, e);
    }
    KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withTestDir(binaries.baseDir().toString())
        .withApiServerVersion(binaries.version())
        .withOfflineMode(true)
        .withUpdateKubeConfig(false)
        .withStartupTimeout(120_000)
        .withApiServerFlag("--audit-policy-file", policy.toAbsolutePath().toString())
        .withApiServerFlag("--audit-log-path", log.toAbsolutePath().toString())
        .build());
    try {
      server.start();
    } catch (RuntimeException e) {
      EnvtestLogs.printTail(System.err);
      throw new IllegalStateException("the audited API server (v" + binaries.version() + ") did not start; logs: "
          + EnvtestLogs.FILE.toAbsolutePath(), e);
    }
    return new AuditedApiServer(server, new AuditLog(log));
  }

  String kubeconfigYaml() {
    return server.getKubeConfigYaml();
  }

  KubernetesClient client() {
    return client;
  }

  AuditLog audit() {
    return audit;
  }

  void installCrd(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      for (HasMetadata object : client.load(in).items()) {
        CustomResourceDefinition crd = (CustomResourceDefinition) object;
        client.resource(crd).forceConflicts().serverSideApply();
        client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
            .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions().stream()
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
