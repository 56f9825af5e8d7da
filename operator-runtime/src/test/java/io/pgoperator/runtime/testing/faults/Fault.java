package io.pgoperator.runtime.testing.faults;

import java.time.Duration;
import java.util.Objects;

/**
 * One way the path to the API server misbehaves, applied by {@link FaultProxy} to each request a
 * {@link Selector} matches, decided when the request arrives. Immutable.
 */
public final class Fault {

  /** What the proxy does with a request the fault applies to. */
  public enum Kind {
    /** Holds the request, then forwards it: a slow network or a slow API server. */
    DELAY,
    /** Forwards at once and holds the answer: the write is on the server before the caller knows. */
    DELAY_RESPONSE,
    /** Answers at once with an HTTP error and a Kubernetes {@code Status} body; never forwards. */
    STATUS,
    /** Closes the caller's connection without an answer; never forwards. */
    RESET,
    /** Accepts and never answers nor forwards; when the fault is lifted the request is reset. */
    BLACKHOLE
  }

  private final Kind kind;
  private final Duration duration;
  private final int code;

  private Fault(Kind kind, Duration duration, int code) {
    this.kind = kind;
    this.duration = duration;
    this.code = code;
  }

  public static Fault delay(Duration duration) {
    return new Fault(Kind.DELAY, checkPositive(duration), 0);
  }

  public static Fault delayResponse(Duration duration) {
    return new Fault(Kind.DELAY_RESPONSE, checkPositive(duration), 0);
  }

  /** An error answer; 429 and 503 carry {@code Retry-After: 1}, as the API server's own do. */
  public static Fault status(int code) {
    if (code < 400 || code > 599) {
      throw new IllegalArgumentException("an injected status is an error (400-599), not " + code);
    }
    return new Fault(Kind.STATUS, Duration.ZERO, code);
  }

  public static Fault reset() {
    return new Fault(Kind.RESET, Duration.ZERO, 0);
  }

  public static Fault blackhole() {
    return new Fault(Kind.BLACKHOLE, Duration.ZERO, 0);
  }

  public Kind kind() {
    return kind;
  }

  /** How long a delay holds the request or the answer; zero for other kinds. */
  public Duration duration() {
    return duration;
  }

  /** The HTTP status of a {@link Kind#STATUS} fault; 0 for other kinds. */
  public int code() {
    return code;
  }

  /** A short name for logs and {@link ProxyRecord#fault()}: {@code delay(PT1S)}, {@code status(503)}, {@code reset}. */
  public String name() {
    return switch (kind) {
      case DELAY -> "delay(" + duration + ")";
      case DELAY_RESPONSE -> "delayResponse(" + duration + ")";
      case STATUS -> "status(" + code + ")";
      case RESET -> "reset";
      case BLACKHOLE -> "blackhole";
    };
  }

  @Override
  public String toString() {
    return name();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Fault that && kind == that.kind && duration.equals(that.duration) && code == that.code;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, duration, code);
  }

  private static Duration checkPositive(Duration duration) {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("a delay must be positive, not " + duration);
    }
    return duration;
  }
}
