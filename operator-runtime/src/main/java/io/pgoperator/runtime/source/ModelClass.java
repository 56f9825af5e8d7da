package io.pgoperator.runtime.source;

import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * A model class's instance fields, for {@link Compactor}: all of them compared (a value is
 * shared only when every field is identical, final and primitive ones too), the non-final
 * reference ones rewritten, the final strings interned (a custom resource computes its group,
 * plural and the like into final fields of each instance). A class with a field that cannot be
 * read is rewritten where it can be, and never shared.
 */
record ModelClass(Field[] compared, Field[] rewritable, Field[] strings, boolean comparable)
    implements CanonicalValues.Shape {

  static ModelClass of(Class<?> type) {
    List<Field> compared = new ArrayList<>();
    List<Field> rewritable = new ArrayList<>();
    List<Field> strings = new ArrayList<>();
    boolean comparable = true;
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        int modifiers = field.getModifiers();
        if (Modifier.isStatic(modifiers)) {
          continue;
        }
        try {
          field.setAccessible(true);
        } catch (InaccessibleObjectException | SecurityException closed) {
          comparable = false;
          continue;
        }
        compared.add(field);
        if (!Modifier.isFinal(modifiers) && !field.getType().isPrimitive()) {
          rewritable.add(field);
        } else if (field.getType() == String.class) {
          strings.add(field);
        }
      }
    }
    return new ModelClass(compared.toArray(Field[]::new), rewritable.toArray(Field[]::new),
        strings.toArray(Field[]::new), comparable);
  }

  @Override
  public int hash(Object value) {
    int hash = value.getClass().hashCode();
    for (Field field : compared) {
      hash = 31 * hash + Shapes.leafHash(get(field, value));
    }
    return hash;
  }

  @Override
  public boolean same(Object a, Object b) {
    for (Field field : compared) {
      if (!Shapes.sameLeaf(get(field, a), get(field, b))) {
        return false;
      }
    }
    return true;
  }

  static Object get(Field field, Object object) {
    try {
      return field.get(object);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("field " + field + " was made accessible", e);
    }
  }

  static void set(Field field, Object object, Object value) {
    try {
      field.set(object, value);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("field " + field + " was made accessible", e);
    }
  }
}
