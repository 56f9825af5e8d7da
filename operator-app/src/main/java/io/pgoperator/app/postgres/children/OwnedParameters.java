package io.pgoperator.app.postgres.children;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * postgresql.conf settings the operator owns: topology, paths, replication and logging that
 * the children's wiring depends on. A user value for one of them is refused rather than
 * silently ignored. The CRD refuses the same names with a CEL rule
 * ({@code PostgresClusterSpec.parameters}); a test keeps both lists equal.
 */
public final class OwnedParameters {

  public static final Set<String> OWNED = Set.of(
      // where and how the server listens; Services and probes rely on these
      "listen_addresses", "port", "unix_socket_directories",
      // file layout inside the pod
      "config_file", "data_directory", "hba_file", "ident_file", "external_pid_file",
      // streaming replication between the instances
      "wal_level", "hot_standby", "max_wal_senders", "max_replication_slots",
      "primary_conninfo", "primary_slot_name",
      // archiving and recovery are not offered yet; half-configured they stall WAL cleanup
      "archive_mode", "archive_command", "restore_command",
      // pg_hba.conf uses scram-sha-256 only; logs must reach stderr for kubectl logs
      "password_encryption", "logging_collector",
      // TLS: always on, with the certificate the operator issues.
      "ssl", "ssl_cert_file", "ssl_key_file");

  private static final Pattern NAME = Pattern.compile("^[a-z_][a-z0-9_.]*$");

  private OwnedParameters() {
  }

  public static boolean isOwned(String key) {
    return OWNED.contains(key.toLowerCase(java.util.Locale.ROOT));
  }

  /**
   * Keys of {@code parameters} that cannot be accepted, sorted: operator-owned settings
   * (compared case-insensitively, as PostgreSQL does), names that are not lower-case setting
   * names, and values holding line breaks or NUL, which could smuggle extra lines into the
   * file. Empty means acceptable.
   */
  public static List<String> validate(Map<String, String> parameters) {
    if (parameters == null) {
      return List.of();
    }
    Set<String> offending = new TreeSet<>();
    parameters.forEach((key, value) -> {
      if (key == null || !NAME.matcher(key).matches() || isOwned(key) || !isSafeValue(value)) {
        offending.add(String.valueOf(key));
      }
    });
    return List.copyOf(offending);
  }

  static boolean isSafeValue(String value) {
    return value != null && value.chars().noneMatch(c -> c == '\n' || c == '\r' || c == 0);
  }
}
