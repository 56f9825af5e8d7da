package io.pgoperator.runtime.source;

import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * What a quorum LIST of one informer's objects returned: each object's resourceVersion by cache
 * key, and the list's own resourceVersion (the store's revision when it was read). The rule here
 * decides whether an informer's cache has caught up with that list: a watch that reconnects after
 * an outage resumes from its last resourceVersion (fabric8 does not relist then), so the changes
 * made during the outage arrive as events shortly after the watch reports open, and until they
 * have, the cache is older than the API server.
 *
 * <p>Caught up means: every event up to the list's revision has been applied. Either the informer
 * has applied an event (or a relist) at or after that revision (watch events come in revision
 * order), or the cache agrees with the list object by object: every listed object is cached at
 * its listed version or later, and every cached object the list lacks was created after the list
 * (an older one is a deletion whose event is still on its way). Compares resourceVersions as
 * numbers, which etcd gives; when they are not numbers nothing can be judged and the cache is
 * taken as caught up.
 */
record ListedState(Map<String, String> versions, String listVersion) {

  ListedState {
    versions = Map.copyOf(versions);
  }

  /**
   * @param informerVersion the last resourceVersion the informer applied (an event's or a list's), or null
   * @param cached every cached object's resourceVersion by key (asked for only when the informer's
   *     version alone does not decide)
   */
  boolean coveredBy(String informerVersion, Supplier<Map<String, String>> cachedVersions) {
    OptionalLong list = number(listVersion);
    if (list.isEmpty()) {
      return true;
    }
    OptionalLong applied = number(informerVersion);
    if (applied.isPresent() && applied.getAsLong() >= list.getAsLong()) {
      return true;
    }
    Map<String, String> cached = cachedVersions.get();
    for (Map.Entry<String, String> listed : versions.entrySet()) {
      OptionalLong want = number(listed.getValue());
      OptionalLong have = number(cached.get(listed.getKey()));
      if (want.isEmpty()) {
        return true;
      }
      if (have.isEmpty() || have.getAsLong() < want.getAsLong()) {
        return false;
      }
    }
    for (Map.Entry<String, String> entry : cached.entrySet()) {
      if (!versions.containsKey(entry.getKey())) {
        OptionalLong version = number(entry.getValue());
        if (version.isEmpty()) {
          return true;
        }
        if (version.getAsLong() <= list.getAsLong()) {
          return false;
        }
      }
    }
    return true;
  }

  private static OptionalLong number(String version) {
    if (version == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(version));
    } catch (NumberFormatException notANumber) {
      return OptionalLong.empty();
    }
  }
}
