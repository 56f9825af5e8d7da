package io.pgoperator.runtime.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a server listens, written the way Go programs (and so controller-runtime flags such as
 * {@code --health-probe-bind-address}) write it: {@code host:port}. An empty host
 * ({@code :8081}) means all interfaces, IPv6 literals go in brackets ({@code [::1]:8081}),
 * port 0 asks the OS for a free port, and the whole address {@code 0} turns the server off.
 * The host is an IPv4 address (four octets 0-255), a bracketed IPv6 literal (optionally with a
 * zone, {@code [fe80::1%eth0]}) or a host name made of DNS labels; nothing is looked up.
 */
public final class BindAddress {

  /** Vert.x's all-interfaces host; the JDK binds it dual-stack where IPv6 is available. */
  public static final String ALL_INTERFACES = "0.0.0.0";

  /** What {@link #parse} accepts; its messages name only the problem, callers may append this. */
  public static final String ACCEPTED_FORMS = "want host:port such as ':8081' (all interfaces),"
      + " '127.0.0.1:8081', 'localhost:8081' or '[::1]:8081' (port 0 = any free port),"
      + " or '0' to disable";

  private static final String BAD_PORT = "port must be a number from 0 to 65535";
  private static final Pattern HOSTNAME_LABEL =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?");
  private static final Pattern DOTTED_DIGITS = Pattern.compile("[0-9.]+");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final Pattern ZONE = Pattern.compile("[A-Za-z0-9._-]+");
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

  /**
   * @throws IllegalArgumentException whose message is only the problem, such as
   *     {@code missing port} or {@code invalid IPv4 host 300.1.1.1}; see {@link #ACCEPTED_FORMS}
   */
  public static BindAddress parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("missing bind address");
    }
    if (text.equals("0")) {
      return DISABLED;
    }
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("missing port");
    }
    String host = text.substring(0, colon);
    String port = text.substring(colon + 1);
    if (host.startsWith("[") || host.endsWith("]")) {
      host = ipv6Literal(host);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("an IPv6 host must be in brackets, like [::1]:8080");
    } else if (!host.isEmpty()) {
      checkHost(host);
    }
    return new BindAddress(host.isEmpty() ? ALL_INTERFACES : host, parsePort(port));
  }

  private static int parsePort(String port) {
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(BAD_PORT);
    }
    int p = Integer.parseInt(port);
    if (p > 65535) {
      throw new IllegalArgumentException(BAD_PORT);
    }
    return p;
  }

  /** The literal inside the brackets, zone kept; the brackets must pair up. */
  private static String ipv6Literal(String bracketed) {
    String inner = bracketed.length() >= 2 && bracketed.startsWith("[") && bracketed.endsWith("]")
        ? bracketed.substring(1, bracketed.length() - 1) : "";
    int percent = inner.indexOf('%');
    String address = percent < 0 ? inner : inner.substring(0, percent);
    String zone = percent < 0 ? null : inner.substring(percent + 1);
    // The character check keeps InetAddress on its literal-parsing path: no name lookup. The
    // zone is checked by syntax only, so parsing does not depend on this machine's interfaces.
    if (!address.contains(":") || !IPV6_CHARS.matcher(address).matches()
        || (zone != null && !ZONE.matcher(zone).matches())) {
      throw new IllegalArgumentException("invalid IPv6 host " + bracketed);
    }
    try {
      InetAddress.getByName("[" + address + "]");
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("invalid IPv6 host " + bracketed);
    }
    return inner;
  }

  private static void checkHost(String host) {
    if (DOTTED_DIGITS.matcher(host).matches()) {
      checkIpv4(host);
      return;
    }
    if (host.length() > 253) {
      throw new IllegalArgumentException("host name longer than 253 characters");
    }
    for (String label : host.split("\\.", -1)) {
      if (label.length() > 63 || !HOSTNAME_LABEL.matcher(label).matches()) {
        throw new IllegalArgumentException("invalid host " + host);
      }
    }
  }

  private static void checkIpv4(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("invalid IPv4 host " + host);
    }
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || Integer.parseInt(part) > 255) {
        throw new IllegalArgumentException("invalid IPv4 host " + host);
      }
    }
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

  /**
   * The same host with the port moved up by {@code offset}, for several servers side by side; a
   * free-port (0) or disabled address stays as it is.
   */
  public BindAddress plusPort(int offset) {
    if (isDisabled() || port == 0 || offset == 0) {
      return this;
    }
    if (port + offset > 65535) {
      throw new IllegalArgumentException("port " + port + " + " + offset + " is above 65535");
    }
    return new BindAddress(host, port + offset);
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
