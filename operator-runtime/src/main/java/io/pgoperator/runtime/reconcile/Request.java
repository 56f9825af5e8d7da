package io.pgoperator.runtime.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/**
 * The key of one primary object: its namespace (empty for cluster-scoped objects) and name.
 * Rendered as client-go's cache key, {@code namespace/name}.
 */
public record Request(String namespace, String name) {

  public Request {
    namespace = namespace == null ? "" : namespace;
    Objects.requireNonNull(name, "name");
  }

  public static Request of(HasMetadata object) {
    return new Request(object.getMetadata().getNamespace(), object.getMetadata().getName());
  }

  /** Parses {@code namespace/name} or {@code name}. */
  public static Request parse(String key) {
    int slash = key.indexOf('/');
    return slash < 0 ? new Request("", key) : new Request(key.substring(0, slash), key.substring(slash + 1));
  }

  @Override
  public String toString() {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }
}
