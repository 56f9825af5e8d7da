package io.pgoperator.app.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * A Go-style listen address {@code host:port}: the host may be empty (all interfaces), an IPv4
 * address, a bracketed IPv6 address or a host name; the port is 0 to 65535 (0: any free port).
 *
 * @param host as written, brackets included for IPv6; empty means all interfaces
 */
public record BindAddress(String host, int port) {

  private static final Pattern HOSTNAME_LABEL =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?");
  private static final Pattern DOTTED_DIGITS = Pattern.compile("[0-9.]+");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

  /**
   * @throws IllegalArgumentException naming what is wrong (missing port, bad host, port range)
   */
  public static BindAddress parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("missing port");
    }
    String host = text.substring(0, colon);
    String port = text.substring(colon + 1);
    if (host.startsWith("[") || host.endsWith("]")) {
      checkIpv6(host);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("an IPv6 host must be in brackets, like [::1]:8080");
    } else if (!host.isEmpty()) {
      checkHost(host);
    }
    return new BindAddress(host, parsePort(port));
  }

  /** The host for a server's listen call: all interfaces when empty, brackets removed. */
  public String listenHost() {
    if (host.isEmpty()) {
      return "0.0.0.0";
    }
    return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }

  private static int parsePort(String port) {
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("port must be a number from 0 to 65535");
    }
    int p = Integer.parseInt(port);
    if (p > 65535) {
      throw new IllegalArgumentException("port must be a number from 0 to 65535");
    }
    return p;
  }

  private static void checkIpv6(String host) {
    String inner =
        host.length() >= 2 && host.startsWith("[") && host.endsWith("]")
            ? host.substring(1, host.length() - 1)
            : null;
    // The character check keeps InetAddress on its literal-parsing path: no name lookup.
    if (inner == null || !inner.contains(":") || !IPV6_CHARS.matcher(inner).matches()) {
      throw new IllegalArgumentException("invalid IPv6 host " + host);
    }
    try {
      InetAddress.getByName("[" + inner + "]");
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("invalid IPv6 host " + host);
    }
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
}
