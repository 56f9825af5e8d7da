package io.pgoperator.app.failover;

import io.pgoperator.app.failover.AuditLog.Request;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The replicas' writes for each PostgresCluster key in one namespace, from the audit log: the
 * cluster itself, its status, its children and its Events, all named after the cluster. Clusters
 * must be named {@code db-NN} (not {@code pg-}: the default owner {@code pg_NN} is reserved), so that a child's name ({@code db-07-ca}) or an Event's ({@code
 * db-07.17f...}) tells its cluster. The writer is the replica whose user agent ({@code
 * <identity>/failover}) sent the request.
 */
final class KeyWrites {

  private static final Pattern KEYED = Pattern.compile("(db-[0-9]{2})(?:[-.].*)?");

  record Write(String cluster, String replica, Request request) {

    Instant received() {
      return request.received();
    }

    @Override
    public String toString() {
      return replica + " at " + received() + ": " + request;
    }
  }

  private KeyWrites() {}

  static String clusterName(int n) {
    return String.format("db-%02d", n);
  }

  /** Cluster name → its writes by replicas received from {@code from} on, in order of arrival. */
  static Map<String, List<Write>> read(AuditLog audit, String namespace, Instant from) {
    Map<String, List<Write>> byCluster = new LinkedHashMap<>();
    for (Request request : audit.requests("replica-", from, Instant.MAX)) {
      if (!request.isWrite() || request.isLease() || !request.namespace().equals(namespace)) {
        continue;
      }
      Matcher m = KEYED.matcher(request.name());
      if (!m.matches()) {
        continue;
      }
      String replica = request.userAgent().substring(0, request.userAgent().indexOf('/'));
      byCluster.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(new Write(m.group(1), replica, request));
    }
    byCluster.values().forEach(writes -> writes.sort(Comparator.comparing(Write::received)));
    return byCluster;
  }

  /**
   * Writes by a replica after another replica wrote the same key, when it had written the key
   * before: the writers' runs must not interleave (A, B, A).
   */
  static List<Write> interleaved(List<Write> writes) {
    List<Write> bad = new ArrayList<>();
    List<String> runs = new ArrayList<>();
    for (Write write : writes) {
      if (!runs.isEmpty() && runs.get(runs.size() - 1).equals(write.replica())) {
        continue;
      }
      if (runs.contains(write.replica())) {
        bad.add(write);
      }
      runs.add(write.replica());
    }
    return bad;
  }
}
