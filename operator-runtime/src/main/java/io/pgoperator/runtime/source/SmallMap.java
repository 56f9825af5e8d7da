package io.pgoperator.runtime.source;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable map over one array of alternating keys and values, in the order it was given.
 * For the small maps of cached objects (labels, selectors, data): a {@code LinkedHashMap} costs
 * a table and an entry object per mapping, this one an array slot per key and value. Lookups
 * scan the array, so it is meant for a few dozen mappings at most. Null keys and values are
 * kept as they were.
 */
final class SmallMap<K, V> extends AbstractMap<K, V> {

  /** The most mappings a {@code SmallMap} is made for; larger maps are not worth scanning. */
  static final int MAX_SIZE = 32;

  private final Object[] slots;

  /** @param slots key, value, key, value, ...; taken as is, not copied */
  SmallMap(Object[] slots) {
    this.slots = slots;
  }

  /** The keys and values, alternating; for comparing maps by their parts' identity. */
  List<Object> slots() {
    return Arrays.asList(slots);
  }

  @Override
  public int size() {
    return slots.length / 2;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : (V) slots[i + 1];
  }

  private int indexOf(Object key) {
    for (int i = 0; i < slots.length; i += 2) {
      if (slots[i] == key || Objects.equals(slots[i], key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public Set<Entry<K, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<K, V>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < slots.length;
          }

          @Override
          @SuppressWarnings("unchecked")
          public Entry<K, V> next() {
            if (next >= slots.length) {
              throw new NoSuchElementException();
            }
            Entry<K, V> entry = new SimpleImmutableEntry<>((K) slots[next], (V) slots[next + 1]);
            next += 2;
            return entry;
          }
        };
      }

      @Override
      public int size() {
        return slots.length / 2;
      }
    };
  }
}
