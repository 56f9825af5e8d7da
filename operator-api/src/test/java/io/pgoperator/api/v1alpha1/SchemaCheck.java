package io.pgoperator.api.v1alpha1;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The OpenAPI keywords our CRD uses (type, required, minimum/maximum, pattern, maxLength,
 * maxProperties, int-or-string), checked against a parsed YAML document. Not CEL: the
 * transition rules need an old object and a real API server.
 */
final class SchemaCheck {

  private SchemaCheck() {
  }

  static List<String> violations(JSONSchemaProps schema, Object value) {
    List<String> out = new ArrayList<>();
    check(schema, value, "", out);
    return out;
  }

  private static void check(JSONSchemaProps schema, Object value, String path, List<String> out) {
    if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
      if (!(value instanceof String || value instanceof Integer || value instanceof Long)) {
        out.add(path + ": expected int or string, got " + value);
      }
      return;
    }
    String type = schema.getType();
    if ("object".equals(type)) {
      checkObject(schema, value, path, out);
    } else if ("integer".equals(type)) {
      if (!(value instanceof Integer || value instanceof Long)) {
        out.add(path + ": expected integer, got " + value);
        return;
      }
      long n = ((Number) value).longValue();
      if (schema.getMinimum() != null && n < schema.getMinimum()) {
        out.add(path + ": " + n + " < minimum " + schema.getMinimum());
      }
      if (schema.getMaximum() != null && n > schema.getMaximum()) {
        out.add(path + ": " + n + " > maximum " + schema.getMaximum());
      }
    } else if ("string".equals(type)) {
      if (!(value instanceof String s)) {
        out.add(path + ": expected string, got " + value);
        return;
      }
      if (schema.getPattern() != null && !Pattern.compile(schema.getPattern()).matcher(s).find()) {
        out.add(path + ": '" + s + "' does not match " + schema.getPattern());
      }
      if (schema.getMaxLength() != null && s.length() > schema.getMaxLength()) {
        out.add(path + ": longer than " + schema.getMaxLength());
      }
    }
  }

  private static void checkObject(JSONSchemaProps schema, Object value, String path,
      List<String> out) {
    if (!(value instanceof Map<?, ?> map)) {
      out.add(path + ": expected object, got " + value);
      return;
    }
    if (schema.getRequired() != null) {
      for (String r : schema.getRequired()) {
        if (!map.containsKey(r)) {
          out.add(path + ": missing required " + r);
        }
      }
    }
    if (schema.getMaxProperties() != null && map.size() > schema.getMaxProperties()) {
      out.add(path + ": more than " + schema.getMaxProperties() + " properties");
    }
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      JSONSchemaProps child = schema.getProperties() == null ? null
          : schema.getProperties().get(key);
      if (child == null && schema.getAdditionalProperties() != null) {
        child = schema.getAdditionalProperties().getSchema();
      }
      if (child == null) {
        if (!path.isEmpty() || !List.of("apiVersion", "kind", "metadata").contains(key)) {
          out.add(path + "." + key + ": unknown field (would be pruned)");
        }
        continue;
      }
      check(child, e.getValue(), path + "." + key, out);
    }
  }
}
