package io.pgoperator.runtime.kube;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * How Lease fields and paths go over the wire, for the Lease clients that talk to the API server
 * with fabric8's asynchronous HTTP client directly (the leader elector's and the sharded ring's).
 */
public final class LeaseWire {

  private LeaseWire() {}

  /** A MicroTime as read by fabric8; null stays null. */
  public static Instant instant(ZonedDateTime time) {
    return time == null ? null : time.toInstant();
  }

  /** fabric8 writes this as MicroTime (RFC 3339, six fraction digits, UTC), as the API server wants. */
  public static ZonedDateTime microTime(Instant time) {
    return time == null ? null : ZonedDateTime.ofInstant(time, ZoneOffset.UTC);
  }

  /** One URL path segment or query value, percent-encoded. */
  public static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
