package io.pgoperator.runtime.source;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A lossy table of canonical values, for sharing equal parts of cached objects (hash-consing):
 * the probes, mounts and labels of a thousand StatefulSets are a few objects instead of a
 * thousand copies. Each value lands in one slot by its hash; a later equal value gets the one
 * in the slot, a different one takes the slot over. Values shared often are found again before
 * anything displaces them; a value missed is only a copy kept, never a wrong answer. The slots
 * hold weak references, so the table keeps nothing alive and its size is fixed. Lock-free.
 */
final class CanonicalValues {

  /**
   * How values of one class compare: by their parts' identity once the parts are canonical (see
   * {@link Compactor}). Only asked about two values of the same class.
   */
  interface Shape {
    int hash(Object value);

    boolean same(Object a, Object b);
  }

  private final AtomicReferenceArray<WeakReference<Object>> slots;
  private final int mask;

  /** @param slotBits log2 of the number of slots */
  CanonicalValues(int slotBits) {
    slots = new AtomicReferenceArray<>(1 << slotBits);
    mask = (1 << slotBits) - 1;
  }

  /** The value in the table equal to {@code value} by {@code shape}, or {@code value}, now in the table. */
  Object canonical(Object value, Shape shape) {
    int hash = shape.hash(value);
    int slot = (hash ^ (hash >>> 16)) & mask;
    WeakReference<Object> held = slots.get(slot);
    Object known = held == null ? null : held.get();
    if (known == value || known != null && known.getClass() == value.getClass() && shape.same(known, value)) {
      return known;
    }
    slots.set(slot, new WeakReference<>(value));
    return value;
  }
}
