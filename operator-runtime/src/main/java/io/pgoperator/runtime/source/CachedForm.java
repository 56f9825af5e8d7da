package io.pgoperator.runtime.source;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The form in which an informer cache of an {@link InformerSource} keeps an object: without
 * {@code metadata.managedFields} (server-side apply's bookkeeping, often the largest part of a
 * small object, which no reconcile reads), then as the source's {@link CacheTransform} leaves it,
 * then compacted (interned strings, shared immutable collections; see {@link Compactor}). Public
 * so that tests can run objects through the same steps a cache does.
 */
public final class CachedForm {

  private CachedForm() {
  }

  /** @param received an object as deserialized from the API server; it may be changed */
  public static <T extends HasMetadata> T of(T received, CacheTransform<T> transform) {
    if (received.getMetadata() != null) {
      received.getMetadata().setManagedFields(null);
    }
    return Compactor.compact(transform.apply(received));
  }
}
