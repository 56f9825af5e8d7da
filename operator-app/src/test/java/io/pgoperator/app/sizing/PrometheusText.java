package io.pgoperator.app.sizing;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Prometheus text exposition of one scrape, and sums over its samples. */
record PrometheusText(String text) {

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)", Pattern.MULTILINE);

  /**
   * The sum of every sample of {@code name} whose labels include all of {@code labels}; empty
   * when there is none.
   */
  OptionalDouble sum(String name, Map<String, String> labels) {
    Matcher m = SAMPLE.matcher(text);
    double sum = 0;
    boolean found = false;
    while (m.find()) {
      if (m.group(1).equals(name) && hasLabels(m.group(2), labels)) {
        sum += Double.parseDouble(m.group(3));
        found = true;
      }
    }
    return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
  }

  /** Like {@link #sum}, or -1 when the meter is missing (shown as such in the report). */
  double sumOr(String name, Map<String, String> labels) {
    return sum(name, labels).orElse(-1);
  }

  private static boolean hasLabels(String block, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return true;
    }
    if (block == null) {
      return false;
    }
    return labels.entrySet().stream().allMatch(e -> block.contains(e.getKey() + "=\"" + e.getValue() + "\""));
  }
}
