package io.pgoperator.app.embedded;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.function.Function;
import java.util.logging.Level;

/**
 * An in-process API server on loopback: fabric8's mock server in CRUD mode. It is a demo
 * stand-in, not a real kube-apiserver (no server-side apply, no CEL, no admission); the tests run
 * on a real one.
 */
public final class EmbeddedApiServer implements AutoCloseable {

  /** Bundled into the jar from deploy/crd and deploy/samples. */
  static final String CRD_RESOURCE = "/crd/postgresclusters.postgres.example.com-v1.yml";
  static final List<String> SAMPLE_RESOURCES =
      List.of("/samples/postgrescluster-minimal.yaml", "/samples/postgrescluster-full.yaml");

  private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private final KubernetesMockServer server;
  private final Config config;

  private EmbeddedApiServer(KubernetesMockServer server) {
    this.server = server;
    this.config = new ConfigBuilder(Config.empty())
        .withMasterUrl("http://127.0.0.1:" + server.getPort())
        .withNamespace("default")
        .withTrustCerts(true)
        .build();
  }

  public static EmbeddedApiServer start() {
    MOCK_LOG.setLevel(Level.WARNING);
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
        new KubernetesMixedDispatcher(responses), false);
    try {
      server.init(InetAddress.getLoopbackAddress(), 0);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot start the embedded API server on loopback: " + e.getMessage(), e);
    }
    EmbeddedDiscovery.serve(server);
    return new EmbeddedApiServer(server);
  }

  public Config config() {
    return config;
  }

  public String url() {
    return config.getMasterUrl();
  }

  /** Installs the CRD. Blocking: call from a plain thread, never an event loop. */
  public void installCrd(KubernetesClient client) {
    CustomResourceDefinition crd =
        read(CRD_RESOURCE, in -> client.apiextensions().v1().customResourceDefinitions().load(in).item());
    client.resource(crd).create();
  }

  /** Creates the sample clusters (one per file), and their namespaces; returns what was created. */
  public List<HasMetadata> applySamples(KubernetesClient client) {
    List<HasMetadata> created = new ArrayList<>();
    for (String sample : SAMPLE_RESOURCES) {
      // As written, as kubectl would send it: the PostgresCluster class would add its defaults.
      GenericKubernetesResource cluster =
          read(sample, in -> client.getKubernetesSerialization().unmarshal(in, GenericKubernetesResource.class));
      String namespace = cluster.getMetadata().getNamespace() == null ? "default" : cluster.getMetadata().getNamespace();
      if (client.namespaces().withName(namespace).get() == null) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
            .create();
      }
      cluster.getMetadata().setNamespace(namespace);
      created.add(client.resource(cluster).create());
    }
    return created;
  }

  /** Writes a kubeconfig for this server, so kubectl can be pointed at it. */
  public Path writeKubeconfig() throws IOException {
    Path file = Files.createTempFile("pg-operator-embedded-", ".kubeconfig");
    file.toFile().deleteOnExit();
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: embedded
          cluster:
            server: %s
        contexts:
        - name: embedded
          context:
            cluster: embedded
            user: embedded
            namespace: default
        current-context: embedded
        users:
        - name: embedded
          user: {}
        """.formatted(url()));
    return file;
  }

  /**
   * Reads a bundled YAML file as the type {@code parse} names: which class {@code client.load(in)}
   * picks depends on the kinds the operator's clients registered (see {@code KubeClients}).
   */
  private static <T> T read(String resource, Function<InputStream, T> parse) {
    try (InputStream in = EmbeddedApiServer.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing bundled resource " + resource + " (is this the fat jar?)");
      }
      return parse.apply(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read bundled resource " + resource, e);
    }
  }

  @Override
  public void close() {
    server.destroy();
  }
}
