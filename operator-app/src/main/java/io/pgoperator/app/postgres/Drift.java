package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * "Desired ⊆ actual" on JSON trees, and the overlay that repairs a drifted object. The desired
 * object says what the operator sets; anything else in the actual object (server defaults,
 * clusterIP, other managers' labels and annotations) is not drift and survives an update.
 *
 * <p>Rules, in the spirit of the schema markers server-side apply uses:
 * <ul>
 *   <li>objects: every field of the desired object must be present with a covered value;
 *   <li>lists: same length, compared element by element (and overlaid element by element, so
 *       defaults inside list items survive; a list of another length is replaced);
 *   <li>{@value #OWNER_REFERENCES}: a set; each desired reference must be present;
 *   <li>atomic fields ({@link #ATOMIC}): compared and replaced as a whole, so a removed resource
 *       limit or a selector key someone added counts as drift;
 *   <li>values of {@link #RESOURCE_LISTS} maps are quantities, compared by value
 *       ({@code 1000m} equals {@code 1}, as the API server canonicalises them);
 *   <li>numbers by value, everything else by equality; null or absent desired values, and
 *       empty desired objects, require nothing.
 * </ul>
 */
final class Drift {

  /** Fields the operator owns as a whole: ResourceRequirements and label selectors. */
  static final Set<String> ATOMIC = Set.of("resources", "selector", "labelSelector");
  static final Set<String> RESOURCE_LISTS = Set.of("requests", "limits");
  static final String OWNER_REFERENCES = "ownerReferences";

  private Drift() {
  }

  static JsonNode tree(Object object) {
    return Serialization.jsonMapper().valueToTree(object);
  }

  static <T> T fromTree(JsonNode tree, Class<T> type) {
    return Serialization.jsonMapper().treeToValue(tree, type);
  }

  /**
   * Paths (e.g. {@code spec.replicas}, {@code spec.ports[0].port}) where {@code actual} does not
   * cover {@code desired}; empty when the object is in sync.
   */
  static List<String> differences(JsonNode desired, JsonNode actual) {
    List<String> paths = new ArrayList<>();
    compare("", null, desired, actual, false, paths);
    return paths;
  }

  /**
   * {@code actual} with {@code desired} laid over it: what to send in an update. Keeps the
   * actual resourceVersion and every field the desired object does not set; drops
   * {@code metadata.managedFields}, which the API server maintains itself.
   */
  static JsonNode overlay(JsonNode actual, JsonNode desired) {
    JsonNode merged = merge(null, actual, desired);
    if (merged.get("metadata") instanceof ObjectNode meta) {
      meta.remove("managedFields");
    }
    return merged;
  }

  private static void compare(String path, String field, JsonNode desired, JsonNode actual,
      boolean atomic, List<String> out) {
    if (isAbsent(desired)) {
      if (atomic && !isEmpty(actual)) {
        out.add(path);
      }
      return;
    }
    boolean whole = atomic || (field != null && ATOMIC.contains(field));
    if (desired.isObject()) {
      if (isAbsent(actual) && desired.isEmpty()) {
        return;
      }
      if (actual == null || !actual.isObject()) {
        out.add(path);
        return;
      }
      boolean quantities = field != null && RESOURCE_LISTS.contains(field);
      for (Map.Entry<String, JsonNode> e : desired.properties()) {
        JsonNode value = e.getValue();
        JsonNode present = actual.get(e.getKey());
        if (quantities && value.isString() && present != null && present.isString()) {
          if (!quantitiesEqual(value.stringValue(), present.stringValue())) {
            out.add(join(path, e.getKey()));
          }
        } else {
          compare(join(path, e.getKey()), e.getKey(), value, present, whole, out);
        }
      }
      if (whole) {
        for (Map.Entry<String, JsonNode> e : actual.properties()) {
          if (isAbsent(desired.get(e.getKey())) && !isEmpty(e.getValue())) {
            out.add(join(path, e.getKey()));
          }
        }
      }
    } else if (desired.isArray()) {
      if (OWNER_REFERENCES.equals(field)) {
        compareAsSet(path, desired, actual, out);
      } else if (actual == null || !actual.isArray() || actual.size() != desired.size()) {
        out.add(path);
      } else {
        for (int i = 0; i < desired.size(); i++) {
          compare(path + "[" + i + "]", field, desired.get(i), actual.get(i), whole, out);
        }
      }
    } else if (!scalarEquals(desired, actual)) {
      out.add(path);
    }
  }

  private static void compareAsSet(String path, JsonNode desired, JsonNode actual,
      List<String> out) {
    for (JsonNode wanted : desired) {
      boolean found = false;
      if (actual != null && actual.isArray()) {
        for (JsonNode candidate : actual) {
          List<String> sub = new ArrayList<>();
          compare(path, null, wanted, candidate, false, sub);
          found |= sub.isEmpty();
        }
      }
      if (!found) {
        out.add(path);
        return;
      }
    }
  }

  private static boolean scalarEquals(JsonNode desired, JsonNode actual) {
    if (actual == null) {
      return false;
    }
    if (desired.isNumber() && actual.isNumber()) {
      return desired.decimalValue().compareTo(actual.decimalValue()) == 0;
    }
    return desired.equals(actual);
  }

  static boolean quantitiesEqual(String a, String b) {
    if (a.equals(b)) {
      return true;
    }
    try {
      BigDecimal x = new Quantity(a).getNumericalAmount();
      BigDecimal y = new Quantity(b).getNumericalAmount();
      return x.compareTo(y) == 0;
    } catch (RuntimeException notAQuantity) {
      return false;
    }
  }

  private static JsonNode merge(String field, JsonNode actual, JsonNode desired) {
    if (isAbsent(desired)) {
      return actual == null ? null : actual.deepCopy();
    }
    if (field != null && ATOMIC.contains(field)) {
      return desired.deepCopy();
    }
    if (desired.isObject() && actual != null && actual.isObject()) {
      ObjectNode result = (ObjectNode) actual.deepCopy();
      for (Map.Entry<String, JsonNode> e : desired.properties()) {
        JsonNode merged = merge(e.getKey(), actual.get(e.getKey()), e.getValue());
        if (merged != null) {
          result.set(e.getKey(), merged);
        }
      }
      return result;
    }
    if (desired.isArray() && actual != null && actual.isArray()) {
      if (OWNER_REFERENCES.equals(field)) {
        return mergeOwnerReferences((ArrayNode) actual, (ArrayNode) desired);
      }
      if (actual.size() == desired.size()) {
        ArrayNode result = ((ArrayNode) actual).arrayNode();
        for (int i = 0; i < desired.size(); i++) {
          result.add(merge(field, actual.get(i), desired.get(i)));
        }
        return result;
      }
    }
    return desired.deepCopy();
  }

  /**
   * Ours replace every controller reference (a Kubernetes object has at most one controller);
   * other owners' plain references stay.
   */
  private static JsonNode mergeOwnerReferences(ArrayNode actual, ArrayNode desired) {
    ArrayNode result = actual.arrayNode();
    for (JsonNode ref : actual) {
      boolean controller = ref.path("controller").asBoolean(false);
      boolean replaced = false;
      for (JsonNode ours : desired) {
        replaced |= Objects.equals(ours.path("uid").asString(""), ref.path("uid").asString(""));
      }
      if (!controller && !replaced) {
        result.add(ref.deepCopy());
      }
    }
    desired.forEach(ref -> result.add(ref.deepCopy()));
    return result;
  }

  private static boolean isAbsent(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode();
  }

  private static boolean isEmpty(JsonNode node) {
    return isAbsent(node) || ((node.isObject() || node.isArray()) && node.isEmpty());
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
