package io.pgoperator.runtime.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer store that drops {@code metadata.managedFields} from every cached object (as
 * controller-runtime users do with a cache transform): server-side apply bookkeeping is often
 * the largest part of a small object, and reconcilers never read it. An update built from a
 * cached object leaves the server's managedFields as they are, since an update without them
 * keeps them.
 */
final class LeanItemStore<T extends HasMetadata> extends BasicItemStore<T> {

  LeanItemStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public T put(String key, T object) {
    if (object.getMetadata() != null) {
      object.getMetadata().setManagedFields(null);
    }
    return super.put(key, object);
  }
}
