package io.pgoperator.runtime.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's mock API server in CRUD mode: fast, in-process, but without server-side apply,
 * bookmarks, 410 Gone or real validation (see ../shared/FACTS.md). Start one per test class.
 */
public final class MockApi implements ApiServer, AutoCloseable {

  /** The mock logs every request through java.util.logging; keep a reference so the level sticks. */
  private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  public MockApi() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server = new KubernetesMockServer(new Context(), new io.fabric8.mockwebserver.MockWebServer(),
        responses, new KubernetesMixedDispatcher(responses), false);
    server.init();
    client = server.createClient();
  }

  @Override
  public String name() {
    return "mock";
  }

  @Override
  public boolean isReal() {
    return false;
  }

  @Override
  public Config config() {
    return client.getConfiguration();
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  /** Readable URL of the mock, e.g. for the embedded mode's banner. */
  public String url() {
    return client.getMasterUrl().toString();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
