package io.pgoperator.runtime.testing.faults;

import java.util.Set;

/**
 * Which requests a fault applies to: a set of callers (names given with {@link FaultProxy#name},
 * or {@code "other"} / {@code "admin"}) and a set of {@link RequestClass}es. An empty set means
 * any, so a fault can hit one replica's Lease renewals without touching its reads.
 */
public record Selector(Set<String> callers, Set<RequestClass> classes) {

  public Selector {
    callers = Set.copyOf(callers);
    classes = Set.copyOf(classes);
  }

  /** Every request. */
  public static Selector any() {
    return new Selector(Set.of(), Set.of());
  }

  public static Selector of(Set<String> callers, Set<RequestClass> classes) {
    return new Selector(callers, classes);
  }

  /** Any request of these callers. */
  public static Selector callers(String... callers) {
    return new Selector(Set.of(callers), Set.of());
  }

  /** Requests of these classes from any caller. */
  public static Selector classes(RequestClass... classes) {
    return new Selector(Set.of(), Set.of(classes));
  }

  public boolean matches(String caller, RequestClass requestClass) {
    return (callers.isEmpty() || callers.contains(caller)) && (classes.isEmpty() || classes.contains(requestClass));
  }
}
