package io.pgoperator.app.chaos;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The API server's audit log read back as calls, with the caller's user name (the failover
 * package's {@code AuditLog} has no user), and the fencing analysis of the soak: the Lease history
 * and the replicas' writes set against it.
 *
 * <p>Lease history: successful (2xx) {@code create}/{@code update}/{@code patch} of the Lease by a
 * replica, in stageTimestamp order (completion). A successful Lease write by a replica that
 * follows a successful Lease write by another is that replica's <em>acquisition</em> (the very
 * first write too); a release by the old holder is its own write, and the next holder's first
 * write is its acquisition.
 */
final class AuditTrail {

  /**
   * One request: {@code replica} is the ServiceAccount name for the replicas' users, null for
   * anyone else; {@code completed} and {@code code} are null/0 when no ResponseComplete was logged
   * (a watch still open).
   */
  record Call(String auditId, String user, String replica, String verb, String resource, String namespace,
      String name, String uri, Instant received, Instant completed, int code) {

    boolean isWrite() {
      return switch (verb) {
        case "create", "update", "patch", "delete", "deletecollection" -> true;
        default -> false;
      };
    }

    boolean isLease() {
      return resource.equals("leases") || resource.startsWith("leases/");
    }

    boolean succeeded() {
      return code >= 200 && code < 300;
    }

    @Override
    public String toString() {
      return replica + " " + verb + " " + uri + " -> " + code;
    }
  }

  /** A write received when its replica's term had ended, and why. */
  record Stale(Call write, String why) {}

  /** A handover before the previous holder's Lease could have expired. */
  record EarlyTakeover(Call acquisition, Call previous, Duration gap, boolean afterSigterm) {}

  private final List<Call> calls;

  private AuditTrail(List<Call> calls) {
    this.calls = calls;
  }

  /** Reads the log; replicas are the ServiceAccounts {@code system:serviceaccount:<namespace>:*}. */
  static AuditTrail read(Path file, String namespace) {
    String prefix = "system:serviceaccount:" + namespace + ":";
    Map<String, JsonObject> received = new LinkedHashMap<>();
    Map<String, JsonObject> completed = new LinkedHashMap<>();
    if (Files.exists(file)) {
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (!line.startsWith("{")) {
            continue;
          }
          JsonObject event;
          try {
            event = new JsonObject(line);
          } catch (DecodeException partial) {
            continue;
          }
          String stage = event.getString("stage", "");
          if (stage.equals("RequestReceived")) {
            received.put(event.getString("auditID"), event);
          } else if (stage.equals("ResponseComplete")) {
            completed.put(event.getString("auditID"), event);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the audit log " + file, e);
      }
    }
    List<Call> calls = new ArrayList<>(received.size());
    received.forEach((id, event) -> {
      JsonObject done = completed.get(id);
      // a create's name is known only once its body is read: take the completed event's objectRef
      JsonObject ref = (done != null ? done : event).getJsonObject("objectRef", new JsonObject());
      String resource = ref.getString("resource", "");
      String sub = ref.getString("subresource");
      String user = event.getJsonObject("user", new JsonObject()).getString("username", "");
      JsonObject status = done == null ? null : done.getJsonObject("responseStatus");
      calls.add(new Call(id, user, user.startsWith(prefix) ? user.substring(prefix.length()) : null,
          event.getString("verb", ""), sub == null ? resource : resource + "/" + sub, ref.getString("namespace", ""),
          ref.getString("name", ""), event.getString("requestURI", ""),
          Instant.parse(event.getString("requestReceivedTimestamp")),
          done == null ? null : Instant.parse(done.getString("stageTimestamp")),
          status == null ? 0 : status.getInteger("code", 0)));
    });
    calls.sort(Comparator.comparing(Call::received));
    return new AuditTrail(calls);
  }

  List<Call> calls() {
    return calls;
  }

  List<Call> byReplicas() {
    return calls.stream().filter(c -> c.replica() != null).toList();
  }

  /** Writes by replicas on anything but Leases, in order of arrival. */
  List<Call> replicaWrites() {
    return calls.stream().filter(c -> c.replica() != null && c.isWrite() && !c.isLease()).toList();
  }

  /** Successful writes of the Lease {@code lease} by replicas, in completion order. */
  List<Call> leaseWrites(String lease) {
    return calls.stream()
        .filter(c -> c.replica() != null && c.isLease() && c.resource().equals("leases") && c.name().equals(lease))
        .filter(c -> c.verb().equals("create") || c.verb().equals("update") || c.verb().equals("patch"))
        .filter(c -> c.succeeded() && c.completed() != null)
        .sorted(Comparator.comparing(Call::completed).thenComparing(Call::received))
        .toList();
  }

  /** The acquisitions: the first successful Lease write, and each one by another replica than the previous one. */
  List<Call> acquisitions(String lease) {
    List<Call> acquisitions = new ArrayList<>();
    String previous = null;
    for (Call write : leaseWrites(lease)) {
      if (!write.replica().equals(previous)) {
        acquisitions.add(write);
      }
      previous = write.replica();
    }
    return acquisitions;
  }

  /**
   * The brief's rule: a write by replica R received after another replica's acquisition that
   * came after R's last acquisition (or before R ever acquired). Times are the API server's
   * requestReceivedTimestamp of each request.
   */
  List<Stale> writesAfterHandover(String lease) {
    List<Call> acquisitions = acquisitions(lease);
    List<Stale> stale = new ArrayList<>();
    for (Call write : replicaWrites()) {
      Call own = null;
      for (Call a : acquisitions) {
        if (a.replica().equals(write.replica()) && a.received().isBefore(write.received())) {
          own = a;
        }
      }
      if (own == null) {
        stale.add(new Stale(write, "before " + write.replica() + " ever acquired the Lease"));
        continue;
      }
      for (Call a : acquisitions) {
        if (!a.replica().equals(write.replica()) && a.received().isAfter(own.received())
            && a.received().isBefore(write.received())) {
          stale.add(new Stale(write, a.replica() + " acquired the Lease at " + a.received() + ", after "
              + write.replica() + "'s acquisition at " + own.received()));
          break;
        }
      }
    }
    return stale;
  }

  /**
   * A stricter bound that also covers a replica that re-acquires after its own term lapsed (no
   * handover in between): a term lasts at most renew deadline after the send time of the last
   * successful renewal, and a write that left in it arrives within the write timeout (lease
   * duration − renew deadline − 2%), so every fenced write is received within {@code leaseDuration}
   * of the writer's last successful Lease write received before it. Writes later than that are
   * outside any term.
   */
  List<Stale> writesOutsideAnyTerm(String lease, Duration leaseDuration) {
    Map<String, List<Call>> leaseWritesBy = new LinkedHashMap<>();
    for (Call w : leaseWrites(lease)) {
      leaseWritesBy.computeIfAbsent(w.replica(), k -> new ArrayList<>()).add(w);
    }
    leaseWritesBy.values().forEach(l -> l.sort(Comparator.comparing(Call::received)));
    List<Stale> stale = new ArrayList<>();
    for (Call write : replicaWrites()) {
      Call last = null;
      for (Call w : leaseWritesBy.getOrDefault(write.replica(), List.of())) {
        if (w.received().isBefore(write.received())) {
          last = w;
        }
      }
      if (last == null) {
        stale.add(new Stale(write, "no successful Lease write by " + write.replica() + " before it"));
      } else if (write.received().isAfter(last.received().plus(leaseDuration))) {
        stale.add(new Stale(write, Duration.between(last.received(), write.received()).toMillis()
            + " ms after its last successful Lease write (received " + last.received() + ")"));
      }
    }
    return stale;
  }

  /**
   * Acquisitions received less than {@code leaseDuration} after the previous holder's last
   * successful Lease write was received. Legitimate only after a release, which the operator does
   * on graceful shutdown: {@code afterSigterm} tells whether the previous holder had been sent
   * SIGTERM (one of {@code sigterms}, per identity) in the minute before its last write.
   */
  List<EarlyTakeover> earlyTakeovers(String lease, Duration leaseDuration, Map<String, List<Instant>> sigterms) {
    List<Call> writes = leaseWrites(lease);
    List<EarlyTakeover> early = new ArrayList<>();
    for (int i = 1; i < writes.size(); i++) {
      Call current = writes.get(i);
      Call previous = writes.get(i - 1);
      if (Objects.equals(current.replica(), previous.replica())) {
        continue;
      }
      Duration gap = Duration.between(previous.received(), current.received());
      if (gap.compareTo(leaseDuration) < 0) {
        boolean afterSigterm = sigterms.getOrDefault(previous.replica(), List.of()).stream()
            .anyMatch(t -> !t.isAfter(previous.received()) && t.isAfter(previous.received().minusSeconds(60)));
        early.add(new EarlyTakeover(current, previous, gap, afterSigterm));
      }
    }
    return early;
  }
}
