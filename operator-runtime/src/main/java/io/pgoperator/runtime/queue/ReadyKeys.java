package io.pgoperator.runtime.queue;

import java.util.Iterator;
import java.util.LinkedHashSet;

/** Keys ready to poll: HIGH before LOW, first in first out within a priority. */
final class ReadyKeys<K> {

  // Insertion-ordered sets: FIFO like a deque, but an upgrade removes from the middle in O(1).
  private final LinkedHashSet<K> high = new LinkedHashSet<>();
  private final LinkedHashSet<K> low = new LinkedHashSet<>();

  void push(K key, Priority priority) {
    (priority == Priority.HIGH ? high : low).add(key);
  }

  /** Moves a waiting LOW key to the back of the HIGH line. */
  void upgrade(K key) {
    if (low.remove(key)) {
      high.add(key);
    }
  }

  /** @return the next key, or null if none is ready */
  K poll() {
    K key = pollFrom(high);
    return key != null ? key : pollFrom(low);
  }

  int size() {
    return high.size() + low.size();
  }

  void removeIf(java.util.function.Predicate<K> filter) {
    high.removeIf(filter);
    low.removeIf(filter);
  }

  void clear() {
    high.clear();
    low.clear();
  }

  private static <K> K pollFrom(LinkedHashSet<K> keys) {
    Iterator<K> it = keys.iterator();
    if (!it.hasNext()) {
      return null;
    }
    K key = it.next();
    it.remove();
    return key;
  }
}
