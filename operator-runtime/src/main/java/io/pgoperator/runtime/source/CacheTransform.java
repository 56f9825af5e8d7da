package io.pgoperator.runtime.source;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * What an informer cache keeps of each object it receives, like controller-runtime's cache
 * {@code Transform} or client-go's {@code SetTransform}: a watched kind's reconciles often read
 * a few of its fields, and a cache of thousands of whole objects costs most of an operator's
 * heap. The result is what {@link InformerSource#get} and {@link InformerSource#list} return, and
 * what event handlers see as the old object of an update.
 *
 * <p>Keep the metadata the runtime reads: namespace, name, resourceVersion, and whatever the
 * source's {@link KeyMapper} reads (labels, ownerReferences). An object that lost fields must
 * never be the base of an update (it would erase them): read the live object for that. The
 * received object is the informer's own copy, fresh from the wire; it may be changed and
 * returned, or replaced. Called on fabric8's informer thread, once per object version.
 */
@FunctionalInterface
public interface CacheTransform<T extends HasMetadata> {

  T apply(T received);

  /** Keeps the whole object (less managedFields, as every cache does). */
  static <T extends HasMetadata> CacheTransform<T> whole() {
    return received -> received;
  }
}
