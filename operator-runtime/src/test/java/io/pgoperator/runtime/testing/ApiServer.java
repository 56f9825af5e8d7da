package io.pgoperator.runtime.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.atomic.AtomicInteger;

/** An API server a test talks to, real or mock. */
public interface ApiServer {

  AtomicInteger NAMESPACES = new AtomicInteger();

  /** "envtest" or "mock", for test names and messages. */
  String name();

  /** True for a real kube-apiserver (server-side apply, CEL, RBAC, watch semantics). */
  boolean isReal();

  /** Connection settings with admin rights. */
  Config config();

  /** A blocking admin client for test set-up and assertions (its own HTTP client, not the operator's). */
  KubernetesClient client();

  /** Creates a fresh namespace for one test and returns its name. */
  default String createNamespace(String prefix) {
    String name = (prefix + "-" + ProcessHandle.current().pid() % 10_000 + "-" + NAMESPACES.incrementAndGet())
        .toLowerCase();
    client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }
}
