package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pgoperator.runtime.reconcile.Request;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Read-your-writes over the informer caches. After the operator updates or deletes an object,
 * the cache can still show the version that write replaced when the next reconcile runs (it
 * was queued by another event). That cache is provably stale: the server has moved past that
 * version, so a watch event is on its way and will trigger another reconcile. Until then the
 * reconcile sees what it wrote instead, rather than repeating the write into a 409 Conflict.
 *
 * <p>Creates are not remembered: an object missing from the cache might have been created and
 * deleted again since, and only a create can tell (409 → read it once). Entries are dropped as
 * soon as the cache shows another version, and with their cluster. Confined to the
 * controller's event loop.
 */
final class RecentWrites {

  private record Entry(String replacedVersion, HasMetadata written) {}

  private final Map<Request, Map<String, Entry>> byCluster = new HashMap<>();

  /** {@code cached}, or what this operator wrote over that version (null: deleted it). */
  @SuppressWarnings("unchecked")
  <T extends HasMetadata> T latest(Request cluster, T cached) {
    if (cached == null) {
      return null;
    }
    Map<String, Entry> entries = byCluster.get(cluster);
    if (entries == null) {
      return cached;
    }
    String key = key(cached);
    Entry entry = entries.get(key);
    if (entry == null) {
      return cached;
    }
    if (Objects.equals(entry.replacedVersion(), cached.getMetadata().getResourceVersion())) {
      return (T) entry.written();
    }
    entries.remove(key);
    if (entries.isEmpty()) {
      byCluster.remove(cluster);
    }
    return cached;
  }

  void updated(Request cluster, HasMetadata before, HasMetadata after) {
    remember(cluster, before, after);
  }

  void deleted(Request cluster, HasMetadata before) {
    remember(cluster, before, null);
  }

  /** The cluster is gone: nothing it owned needs remembering. */
  void forget(Request cluster) {
    byCluster.remove(cluster);
  }

  int size() {
    return byCluster.values().stream().mapToInt(Map::size).sum();
  }

  private void remember(Request cluster, HasMetadata before, HasMetadata after) {
    String version = before.getMetadata().getResourceVersion();
    if (version != null) {
      byCluster.computeIfAbsent(cluster, k -> new HashMap<>()).put(key(before), new Entry(version, after));
    }
  }

  private static String key(HasMetadata object) {
    return object.getKind() + "/" + object.getMetadata().getName();
  }
}
