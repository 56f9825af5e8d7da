package io.pgoperator.runtime.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer store that keeps each object in its {@link CachedForm}: what reconciles read, as
 * little heap as that takes. fabric8 hands event handlers the received object and this store's
 * previous one, so an update's old object is the cached form too.
 */
final class LeanItemStore<T extends HasMetadata> extends BasicItemStore<T> {

  private final CacheTransform<T> transform;

  LeanItemStore(CacheTransform<T> transform) {
    super(Cache::metaNamespaceKeyFunc);
    this.transform = transform;
  }

  @Override
  public T put(String key, T object) {
    return super.put(key, CachedForm.of(object, transform));
  }
}
