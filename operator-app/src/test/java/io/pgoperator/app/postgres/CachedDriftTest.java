package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pgoperator.runtime.source.CachedForm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Drift detection gives the same answer on a child as the informer cache keeps it ({@link
 * CachedForm}, with the operator's {@link PostgresOperator#cacheTransform}) as on the whole
 * object, and a repair laid over the cached object is the update a repair laid over the whole
 * object would be: for each child as the API server serves it, unchanged and after thousands of
 * random changes anywhere (values changed, fields and list items added, removed, reordered, in
 * atomic fields too), as someone else's edits would leave it.
 */
class CachedDriftTest {

  private static final int CHANGES_PER_CHILD = 400;

  @Test
  void aServedChildHasNoDriftWholeOrCached() throws Exception {
    for (ServedChildren.Child child : ServedChildren.all()) {
      assertThat(Drift.differences(Drift.tree(child.desired()), Drift.tree(child.served()))).as(child.file()).isEmpty();
      assertThat(Drift.differences(Drift.tree(child.desired()), Drift.tree(cachedForm(child.served()))))
          .as("cached " + child.file()).isEmpty();
    }
  }

  @Test
  void everyChangeIsSeenAndRepairedAlikeInTheCachedForm() throws Exception {
    Random random = new Random(20261130L);
    int drifted = 0;
    int compared = 0;
    for (ServedChildren.Child child : ServedChildren.all()) {
      JsonNode desired = Drift.tree(child.desired());
      for (int i = 0; i < CHANGES_PER_CHILD; i++) {
        ObjectNode changed = (ObjectNode) Drift.tree(child.served());
        List<String> edits = new ArrayList<>();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
          edits.add(change(changed, random));
        }
        HasMetadata whole;
        try {
          whole = Drift.fromTree(changed, child.served().getClass());
        } catch (RuntimeException notThisKind) {
          continue; // no object of this kind reads like that: the informer would not get it either
        }
        HasMetadata cached = cachedForm(Drift.fromTree(changed, child.served().getClass()));
        List<String> seenWhole = Drift.differences(desired, Drift.tree(whole));
        String what = child.file() + " after " + edits;
        assertThat(Drift.differences(desired, Drift.tree(cached))).as("drift of " + what).isEqualTo(seenWhole);
        assertThat(Drift.overlay(Drift.tree(cached), desired)).as("repair of " + what)
            .isEqualTo(Drift.overlay(Drift.tree(whole), desired));
        compared++;
        drifted += seenWhole.isEmpty() ? 0 : 1;
      }
    }
    int total = CHANGES_PER_CHILD * ServedChildren.all().size();
    assertThat(compared).as("changed objects that still read as their kind").isGreaterThan(total * 3 / 4);
    assertThat(drifted).as("changes that are drift").isGreaterThan(compared / 4);
  }

  static HasMetadata cachedForm(HasMetadata received) {
    return CacheFootprintBenchmark.cachedForm(Drift.fromTree(Drift.tree(received), received.getClass()));
  }

  /** One random edit somewhere in {@code tree}; returns what it did. */
  private static String change(ObjectNode tree, Random random) {
    List<String> paths = new ArrayList<>();
    List<JsonNode> containers = new ArrayList<>();
    collect("", tree, paths, containers);
    int pick = random.nextInt(containers.size());
    String path = paths.get(pick);
    JsonNode node = containers.get(pick);
    if (node instanceof ObjectNode object) {
      List<String> keys = new ArrayList<>(object.propertyNames());
      int op = random.nextInt(keys.isEmpty() ? 1 : 4);
      if (op == 0) {
        String key = keys.isEmpty() || random.nextBoolean() ? "added-" + random.nextInt(3) : keys.get(random.nextInt(keys.size()));
        object.put(key, "someone-else");
        return "set " + path + "." + key;
      }
      String key = keys.get(random.nextInt(keys.size()));
      JsonNode value = object.get(key);
      if (op == 1) {
        object.remove(key);
        return "removed " + path + "." + key;
      }
      if (op == 2 && value.isValueNode()) {
        object.set(key, changed(value, random));
        return "changed " + path + "." + key;
      }
      object.set(key, value.isObject() ? object.objectNode() : value.isArray() ? object.arrayNode() : changed(value, random));
      return "emptied " + path + "." + key;
    }
    ArrayNode array = (ArrayNode) node;
    if (array.isEmpty()) {
      array.add("someone-else");
      return "added to " + path;
    }
    int i = random.nextInt(array.size());
    switch (random.nextInt(4)) {
      case 0 -> array.remove(i);
      case 1 -> array.insert(i, array.get(i).deepCopy());
      case 2 -> array.insert(0, array.remove(array.size() - 1));
      default -> array.set(i, array.get(i).isValueNode() ? changed(array.get(i), random) : array.get(i).deepCopy());
    }
    return "list " + path + "[" + i + "]";
  }

  private static JsonNode changed(JsonNode value, Random random) {
    ObjectNode holder = new ObjectNode(tools.jackson.databind.node.JsonNodeFactory.instance);
    if (value.isBoolean()) {
      holder.put("v", !value.booleanValue());
    } else if (value.isIntegralNumber()) {
      holder.put("v", value.longValue() + 1 + random.nextInt(5));
    } else if (value.isNumber()) {
      holder.put("v", value.decimalValue().add(java.math.BigDecimal.ONE));
    } else if (value.isString() && random.nextBoolean() && !value.stringValue().isEmpty()) {
      holder.put("v", value.stringValue().substring(1));
    } else {
      holder.put("v", (value.isString() ? value.stringValue() : "") + "-edited");
    }
    return holder.get("v");
  }

  private static void collect(String path, JsonNode node, List<String> paths, List<JsonNode> containers) {
    if (node.isObject()) {
      paths.add(path);
      containers.add(node);
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        collect(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), paths, containers);
      }
    } else if (node.isArray()) {
      paths.add(path);
      containers.add(node);
      for (int i = 0; i < node.size(); i++) {
        collect(path + "[" + i + "]", node.get(i), paths, containers);
      }
    }
  }
}
