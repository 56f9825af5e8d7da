package io.pgoperator.runtime.http;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a server listens, written the way Go programs (and so controller-runtime flags such as
 * {@code --health-probe-bind-address}) write it: {@code host:port}. An empty host
 * ({@code :8081}) means all interfaces, IPv6 literals go in brackets ({@code [::1]:8081}),
 * port 0 asks the OS for a free port, and the whole address {@code 0} turns the server off.
 */
public final class BindAddress {

  /** Vert.x's all-interfaces host; the JDK binds it dual-stack where IPv6 is available. */
  public static final String ALL_INTERFACES = "0.0.0.0";

  private static final String ACCEPTED = "expected host:port such as ':8081' (all interfaces),"
      + " '127.0.0.1:8081', 'localhost:8081' or '[::1]:8081' (port 0 = any free port),"
      + " or '0' to disable";
  private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
  private static final BindAddress DISABLED = new BindAddress(null, -1);

  private final String host;
  private final int port;

  private BindAddress(String host, int port) {
    this.host = host;
    this.port = port;
  }

  public static BindAddress disabled() {
    return DISABLED;
  }

  /** @throws IllegalArgumentException naming the accepted forms */
  public static BindAddress parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("bind address is missing: " + ACCEPTED);
    }
    String s = text.trim();
    if (s.equals("0")) {
      return DISABLED;
    }
    int colon = s.lastIndexOf(':');
    if (colon < 0) {
      throw invalid(text, "missing port");
    }
    String host = s.substring(0, colon);
    String port = s.substring(colon + 1);
    if (host.startsWith("[") || host.endsWith("]")) {
      String literal = host.length() >= 2 && host.startsWith("[") && host.endsWith("]")
          ? host.substring(1, host.length() - 1) : "";
      if (!literal.contains(":") || !IPV6.matcher(literal).matches()) {
        throw invalid(text, "bad IPv6 literal " + host);
      }
      host = literal;
    } else if (host.contains(":")) {
      throw invalid(text, "IPv6 addresses must be in brackets");
    } else if (!host.isEmpty() && !HOSTNAME.matcher(host).matches()) {
      throw invalid(text, "bad host '" + host + "'");
    }
    if (!PORT.matcher(port).matches() || Integer.parseInt(port) > 65535) {
      throw invalid(text, "port '" + port + "' is not a number from 0 to 65535");
    }
    return new BindAddress(host.isEmpty() ? ALL_INTERFACES : host, Integer.parseInt(port));
  }

  private static IllegalArgumentException invalid(String text, String problem) {
    return new IllegalArgumentException(
        "invalid bind address '" + text + "' (" + problem + "): " + ACCEPTED);
  }

  public boolean isDisabled() {
    return this == DISABLED;
  }

  /** The host to listen on, {@value #ALL_INTERFACES} for all interfaces; IPv6 without brackets. */
  public String host() {
    requireEnabled();
    return host;
  }

  /** The port to listen on; 0 means any free port. */
  public int port() {
    requireEnabled();
    return port;
  }

  private void requireEnabled() {
    if (isDisabled()) {
      throw new IllegalStateException("bind address is disabled ('0'): there is nothing to listen on");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BindAddress other && Objects.equals(host, other.host) && port == other.port;
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, port);
  }

  /** Go form again, e.g. {@code 0.0.0.0:8081} or {@code [::1]:0}; {@code 0} when disabled. */
  @Override
  public String toString() {
    if (isDisabled()) {
      return "0";
    }
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
