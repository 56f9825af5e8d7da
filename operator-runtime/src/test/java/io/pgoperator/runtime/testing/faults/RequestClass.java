package io.pgoperator.runtime.testing.faults;

import java.util.Locale;

/**
 * What an API request does, as far as faults care: leader election, a long-lived watch, a
 * write, or a read. Faults target classes because each fails differently for an operator (a lost
 * Lease renewal fences a leader; a lost watch only delays it).
 */
public enum RequestClass {
  /** Any request on coordination.k8s.io Leases, watches of Leases included. */
  LEASE,
  /** A watch ({@code watch=true} or {@code watch=1}) of anything but Leases. */
  WATCH,
  /** POST, PUT, PATCH or DELETE of anything but Leases. */
  WRITE,
  /** Everything else: get, list, discovery, reviews sent as GET. */
  READ;

  /** Classifies a request from its method, path and raw query (null when absent). */
  public static RequestClass of(String method, String path, String query) {
    if (path.contains("/apis/coordination.k8s.io/") && path.contains("/leases")) {
      return LEASE;
    }
    if (isWatch(query)) {
      return WATCH;
    }
    return switch (method.toUpperCase(Locale.ROOT)) {
      case "POST", "PUT", "PATCH", "DELETE" -> WRITE;
      default -> READ;
    };
  }

  /** Whether a raw query (null when absent) asks for a watch: {@code watch=true} or {@code watch=1}. */
  public static boolean isWatch(String query) {
    if (query == null) {
      return false;
    }
    for (String parameter : query.split("&")) {
      if (parameter.equals("watch=true") || parameter.equals("watch=1")) {
        return true;
      }
    }
    return false;
  }
}
