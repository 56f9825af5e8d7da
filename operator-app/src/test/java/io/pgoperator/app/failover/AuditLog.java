package io.pgoperator.app.failover;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The API server's audit log (JSON lines, an event when a request arrives and when it completes), read back as requests. */
final class AuditLog {

  private final Path file;

  AuditLog(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /** Requests whose user agent starts with {@code agentPrefix}, received in [from, to). */
  List<Request> requests(String agentPrefix, Instant from, Instant to) {
    List<JsonObject> events;
    try {
      events = (Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.<String>of()).stream()
          .filter(line -> line.startsWith("{"))
          .map(AuditLog::parseOrNull)
          .filter(java.util.Objects::nonNull)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the audit log " + file, e);
    }
    Map<String, JsonObject> completed = new HashMap<>();
    for (JsonObject event : events) {
      if ("ResponseComplete".equals(event.getString("stage"))) {
        completed.put(event.getString("auditID"), event);
      }
    }
    return events.stream()
        .filter(event -> "RequestReceived".equals(event.getString("stage")))
        .map(event -> Request.parse(event, completed.get(event.getString("auditID"))))
        .filter(r -> r.userAgent().startsWith(agentPrefix))
        .filter(r -> !r.received().isBefore(from) && r.received().isBefore(to))
        .toList();
  }

  /** Null for a line the API server is still writing. */
  private static JsonObject parseOrNull(String line) {
    try {
      return new JsonObject(line);
    } catch (io.vertx.core.json.DecodeException partial) {
      return null;
    }
  }

  /**
   * One request: {@code resource} is the plural, with {@code /subresource} when there is one;
   * {@code code} is the HTTP status, 0 while it runs (a watch).
   */
  record Request(Instant received, String verb, String resource, String namespace, String name, String userAgent,
      String uri, int code) {

    /** {@code done} is the request's ResponseComplete event, or null while it runs. */
    static Request parse(JsonObject event, JsonObject done) {
      // a create's name is known only once its body is read: the completed event's objectRef has it
      JsonObject ref = (done != null ? done : event).getJsonObject("objectRef", new JsonObject());
      JsonObject status = done == null ? null : done.getJsonObject("responseStatus");
      int code = status == null ? 0 : status.getInteger("code", 0);
      String resource = ref.getString("resource", "");
      String sub = ref.getString("subresource");
      return new Request(Instant.parse(event.getString("requestReceivedTimestamp")), event.getString("verb", ""),
          sub == null ? resource : resource + "/" + sub, ref.getString("namespace", ""), ref.getString("name", ""),
          event.getString("userAgent", ""), event.getString("requestURI", ""), code);
    }

    boolean isWrite() {
      return switch (verb) {
        case "create", "update", "patch", "delete", "deletecollection" -> true;
        default -> false;
      };
    }

    boolean isLease() {
      return resource.equals("leases");
    }

    @Override
    public String toString() {
      return verb + " " + uri + " -> " + code;
    }
  }
}
