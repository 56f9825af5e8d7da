package io.pgoperator.app.failover;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pgoperator.runtime.testing.Crds;
import io.pgoperator.runtime.testing.Envtest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real etcd + kube-apiserver (the envtest binaries) that writes an audit log naming each
 * request's verb, resource, user agent and response code. The shared {@code Envtest}
 * cannot be given API server flags, so the benchmark, which runs in a JVM of its own, starts this
 * one instead (from the same binaries, through {@link Envtest#startApiServer}).
 */
public final class AuditedApiServer implements AutoCloseable {

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

  public static AuditedApiServer start(Path dir) {
    Path policy = dir.resolve("audit-policy.yaml");
    Path log = dir.resolve("audit.log");
    try {
      Files.createDirectories(dir);
      Files.writeString(policy, POLICY);
      Files.deleteIfExists(log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the audit policy to " + policy, e);
    }
    KubeAPIServer server = Envtest.startApiServer("audited", config -> config
        .withApiServerFlag("--audit-policy-file", policy.toAbsolutePath().toString())
        .withApiServerFlag("--audit-log-path", log.toAbsolutePath().toString()));
    return new AuditedApiServer(server, new AuditLog(log));
  }

  public String kubeconfigYaml() {
    return server.getKubeConfigYaml();
  }

  /** The admin's config (client certificate in system:masters), straight to the API server. */
  public Config config() {
    return Config.fromKubeconfig(server.getKubeConfigYaml());
  }

  /** The admin client, straight to the API server. */
  public KubernetesClient client() {
    return client;
  }

  /** The audit log file (one JSON event per line). */
  public Path auditLogFile() {
    return audit.file();
  }

  AuditLog audit() {
    return audit;
  }

  public void installCrd(Path file) {
    Crds.install(client, List.of(file));
  }

  @Override
  public void close() {
    client.close();
    server.stop();
  }
}
