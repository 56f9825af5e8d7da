package io.pgoperator.runtime.testing.faults;

import java.time.Duration;
import java.time.Instant;

/**
 * What happened to one request that reached {@link FaultProxy}: a snapshot, taken when
 * {@link FaultProxy#log()} is called, so a request still in flight shows nulls for what has not
 * happened yet. Tests count retries and measure delays from these, not from client-side clocks.
 *
 * @param caller the name given to the bearer token, {@code "other"} for an unknown token,
 *     {@code "admin"} for none
 * @param path the request path, without the query
 * @param query the raw query, null when absent
 * @param received when the proxy got the request head
 * @param forwarded when the proxy sent it upstream; null if never
 * @param answered when the answer was complete or the exchange was cut (reset, outage, the caller
 *     gone); null while in flight
 * @param status the HTTP status sent to the caller (the upstream's or an injected one); null when
 *     none was sent
 * @param fault the name of the fault applied ({@link Fault#name()}), {@code "outage"} for a request
 *     refused by an outage, null when none
 */
public record ProxyRecord(long id, String caller, RequestClass requestClass, String method, String path,
    String query, Instant received, Instant forwarded, Instant answered, Integer status, String fault) {

  /** Whether the request was a watch, of Leases too ({@link RequestClass#isWatch}). */
  public boolean isWatch() {
    return RequestClass.isWatch(query);
  }

  /** Whether the request reached the API server. */
  public boolean wasForwarded() {
    return forwarded != null;
  }

  /** How long the proxy held the request before forwarding it; null if it never did. */
  public Duration heldFor() {
    return forwarded == null ? null : Duration.between(received, forwarded);
  }

  @Override
  public String toString() {
    return "#" + id + " " + caller + " " + requestClass + " " + method + " " + path + (query == null ? "" : "?" + query)
        + " -> " + status + (fault == null ? "" : " [" + fault + "]") + " received " + received + " forwarded "
        + forwarded + " answered " + answered;
  }
}
