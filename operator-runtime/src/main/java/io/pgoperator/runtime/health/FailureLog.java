package io.pgoperator.runtime.health;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a check's reason when it starts failing (or fails for a new reason) and when it recovers,
 * rather than on every probe: the HTTP answer withholds reasons, and a kubelet probing every few seconds would
 * otherwise flood the log with the same line.
 */
final class FailureLog {

  private static final Logger LOG = LoggerFactory.getLogger(HealthRoutes.class);

  private final String endpoint;
  private final AtomicReference<Map<String, String>> failing = new AtomicReference<>(Map.of());

  FailureLog(String endpoint) {
    this.endpoint = endpoint;
  }

  void record(List<CheckResult> results) {
    Map<String, String> before = failing.getAndUpdate(previous -> next(previous, results));
    for (CheckResult r : results) {
      switch (r.status()) {
        case FAILED -> {
          if (!r.reason().equals(before.get(r.name()))) {
            LOG.warn("{} check '{}' failing: {}", endpoint, r.name(), r.reason());
          }
        }
        case OK -> {
          if (before.containsKey(r.name())) {
            LOG.info("{} check '{}' passes again", endpoint, r.name());
          }
        }
        case EXCLUDED -> { }
      }
    }
  }

  // Excluded checks did not run, so what we knew about them stays as it was.
  private static Map<String, String> next(Map<String, String> previous, List<CheckResult> results) {
    Map<String, String> next = new TreeMap<>(previous);
    for (CheckResult r : results) {
      switch (r.status()) {
        case FAILED -> next.put(r.name(), r.reason());
        case OK -> next.remove(r.name());
        case EXCLUDED -> { }
      }
    }
    return Map.copyOf(next);
  }
}
