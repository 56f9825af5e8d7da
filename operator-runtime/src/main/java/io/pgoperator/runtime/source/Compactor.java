package io.pgoperator.runtime.source;

import io.fabric8.kubernetes.api.model.AnyType;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.CustomResource;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a model object fresh from the wire, in place, so that it costs less heap and says
 * the same. Strings are interned (names, labels, images and scripts repeat across thousands of
 * cached objects). Empty maps and lists become the shared immutable ones: a fabric8 model object
 * allocates every collection field and an {@code additionalProperties} map whether the JSON had
 * them or not. Other maps and lists become compact immutable copies in the same order. Then,
 * bottom up, every part equal to one already cached is replaced by that one ({@link
 * CanonicalValues}): equal means same class and identical parts ({@link Shapes}), so a shared
 * part is indistinguishable from the copy it replaces but for its identity. Only model classes
 * are walked: fabric8's ({@link KubernetesResource}, {@link Quantity}, {@link AnyType}) and, for a custom
 * resource, the classes of its own API package (its spec and status); any other value is left
 * as it is.
 *
 * <p>Cached objects are shared and never modified, so immutable and shared parts are safe, and
 * code that tries to modify one fails loudly instead of changing the cache. Thread-safe.
 */
final class Compactor {

  /**
   * 16,384 slots: at most half a MiB of weak references. The heap a thousand clusters' objects
   * take is the same with 8,192 or 32,768 (fewer slots miss more shared parts, more cost more
   * references; CacheFootprintBenchmark).
   */
  private static final CanonicalValues CANONICAL = new CanonicalValues(14);

  private static final ClassValue<ModelClass> MODELS = new ClassValue<>() {
    @Override
    protected ModelClass computeValue(Class<?> type) {
      return ModelClass.of(type);
    }
  };

  private Compactor() {
  }

  /** Compacts {@code root}'s parts; the root itself is never shared (it is the cached object). */
  static <T> T compact(T root) {
    if (root != null) {
      Walk walk = new Walk(root instanceof CustomResource<?, ?> ? root.getClass().getPackageName() : null);
      if (walk.isModel(root.getClass())) {
        walk.fields(root);
      }
    }
    return root;
  }

  /** One object's walk; {@code apiPackage} is its custom resource's API package, or null. */
  private record Walk(String apiPackage) {

    private Object value(Object value) {
      if (value == null) {
        return null;
      }
      if (value instanceof String s) {
        return s.intern();
      }
      if (value instanceof List<?> list) {
        return list(list);
      }
      if (value instanceof Map<?, ?> map) {
        return map(map);
      }
      if (isModel(value.getClass())) {
        ModelClass model = fields(value);
        return model.comparable() ? CANONICAL.canonical(value, model) : value;
      }
      return value;
    }

    private boolean isModel(Class<?> type) {
      return KubernetesResource.class.isAssignableFrom(type) || type == Quantity.class
          || AnyType.class.isAssignableFrom(type) || type.getPackageName().equals(apiPackage);
    }

    private ModelClass fields(Object object) {
      ModelClass model = MODELS.get(object.getClass());
      for (Field field : model.rewritable()) {
        Object before = ModelClass.get(field, object);
        Object after = value(before);
        if (after != before && field.getType().isInstance(after)) {
          ModelClass.set(field, object, after);
        }
      }
      for (Field field : model.strings()) {
        String before = (String) ModelClass.get(field, object);
        if (before != null) {
          ModelClass.set(field, object, before.intern());
        }
      }
      return model;
    }

    private List<?> list(List<?> list) {
      if (list.isEmpty()) {
        return List.of();
      }
      Object[] items = new Object[list.size()];
      boolean nulls = false;
      int i = 0;
      for (Object item : list) {
        items[i++] = value(item);
        nulls |= item == null;
      }
      if (nulls) {
        return Collections.unmodifiableList(Arrays.asList(items));
      }
      return (List<?>) CANONICAL.canonical(List.of(items), Shapes.LIST);
    }

    private Map<?, ?> map(Map<?, ?> map) {
      if (map.isEmpty()) {
        return Map.of();
      }
      if (map.size() > SmallMap.MAX_SIZE) {
        Map<Object, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(value(k), value(v)));
        return Collections.unmodifiableMap(copy);
      }
      Object[] slots = new Object[map.size() * 2];
      int i = 0;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        slots[i++] = value(e.getKey());
        slots[i++] = value(e.getValue());
      }
      return (Map<?, ?>) CANONICAL.canonical(new SmallMap<>(slots), Shapes.SMALL_MAP);
    }
  }
}
