package io.pgoperator.runtime.source;

import java.util.List;

/**
 * Comparing the parts of cached objects for sharing ({@link CanonicalValues.Shape}): once a
 * value's parts are canonical, two values are equal when their parts are identical, so a
 * comparison looks one level deep. Strings and boxed values compare by equality (two equal
 * strings or numbers may be distinct objects), everything else by identity.
 */
final class Shapes {

  /** Lists of one class, part by part. */
  static final CanonicalValues.Shape LIST = new CanonicalValues.Shape() {
    @Override
    public int hash(Object value) {
      int hash = 1;
      for (Object item : (List<?>) value) {
        hash = 31 * hash + leafHash(item);
      }
      return hash;
    }

    @Override
    public boolean same(Object a, Object b) {
      List<?> x = (List<?>) a;
      List<?> y = (List<?>) b;
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!sameLeaf(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
  };

  /** {@link SmallMap}s, key by key and value by value, in their order. */
  static final CanonicalValues.Shape SMALL_MAP = new CanonicalValues.Shape() {
    @Override
    public int hash(Object value) {
      return LIST.hash(((SmallMap<?, ?>) value).slots());
    }

    @Override
    public boolean same(Object a, Object b) {
      return LIST.same(((SmallMap<?, ?>) a).slots(), ((SmallMap<?, ?>) b).slots());
    }
  };

  private Shapes() {
  }

  static boolean sameLeaf(Object a, Object b) {
    return a == b || a != null && b != null && a.getClass() == b.getClass() && isValue(a) && a.equals(b);
  }

  static int leafHash(Object value) {
    if (value == null) {
      return 0;
    }
    return isValue(value) ? value.hashCode() : System.identityHashCode(value);
  }

  private static boolean isValue(Object value) {
    return value instanceof String || value instanceof Number || value instanceof Boolean
        || value instanceof Character || value instanceof Enum<?>;
  }
}
