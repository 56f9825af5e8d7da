package io.pgoperator.runtime.health;

import java.util.Collections;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Pattern;

/**
 * A registry of named checks: one instance backs {@code /healthz}, another {@code /readyz}.
 * Starts with the built-in {@code ping} check, as controller-runtime's manager does. Components
 * may register from {@code main} before the servers start or later from an event loop, so the
 * map is a lock-free concurrent one; it also keeps names sorted, which is the order of the
 * verbose output.
 */
public final class HealthChecks {

  public static final String PING = "ping";

  private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");

  private final ConcurrentSkipListMap<String, HealthCheck> checks = new ConcurrentSkipListMap<>();

  public HealthChecks() {
    checks.put(PING, HealthCheck.PING);
  }

  /**
   * @throws IllegalArgumentException if the name is not {@code [a-z0-9-]+} or already taken
   */
  public void add(String name, HealthCheck check) {
    Objects.requireNonNull(check, "check");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("health check name '" + name
          + "' is invalid: use lower-case letters, digits and '-' (it becomes a URL path segment)");
    }
    if (checks.putIfAbsent(name, check) != null) {
      throw new IllegalArgumentException("health check '" + name + "' is already registered;"
          + " names must be unique per endpoint (remove it first to replace it)");
    }
  }

  /** Removes the check if present; removing an unknown name does nothing. */
  public void remove(String name) {
    checks.remove(name);
  }

  public Optional<HealthCheck> get(String name) {
    return Optional.ofNullable(checks.get(name));
  }

  /** A read-only, name-ordered, weakly consistent view of the registered checks. */
  public NavigableMap<String, HealthCheck> all() {
    return Collections.unmodifiableNavigableMap(checks);
  }
}
