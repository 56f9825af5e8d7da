package io.pgoperator.app.cli;

import java.time.Duration;

/**
 * Go's duration syntax ({@code time.ParseDuration} and {@code Duration.String}), so flags read
 * like every other Kubernetes controller's: {@code 300ms}, {@code 1.5h}, {@code 2h45m}.
 * Durations are limited to Go's range, a signed 64-bit count of nanoseconds (about 292 years).
 */
public final class GoDuration {

  private static final long LIMIT = Long.MIN_VALUE; // 1<<63, compared as unsigned
  private static final long NS = 1L;
  private static final long US = 1_000L;
  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;

  private GoDuration() {}

  /**
   * Parses a Go duration: an optional sign, then one or more decimal numbers, each with an
   * optional fraction and a unit among ns, us (µs), ms, s, m, h. A bare {@code 0} is allowed.
   *
   * @throws IllegalArgumentException with Go's message, e.g. {@code time: missing unit in
   *     duration "15"}
   */
  public static Duration parse(String text) {
    String s = text;
    boolean neg = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      neg = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw invalid(text);
    }
    long total = 0; // unsigned, at most 1<<63
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != '.' && !isDigit(c)) {
        throw invalid(text);
      }
      // Integer part.
      int start = i;
      long v = 0;
      while (i < s.length() && isDigit(s.charAt(i))) {
        if (Long.compareUnsigned(v, Long.divideUnsigned(LIMIT, 10)) > 0) {
          throw invalid(text);
        }
        v = v * 10 + (s.charAt(i) - '0');
        if (Long.compareUnsigned(v, LIMIT) > 0) {
          throw invalid(text);
        }
        i++;
      }
      boolean pre = i != start;
      // Fraction: digits beyond what fits are ignored, as in Go.
      long f = 0;
      double scale = 1;
      boolean post = false;
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        int fracStart = i;
        boolean overflow = false;
        while (i < s.length() && isDigit(s.charAt(i))) {
          if (!overflow) {
            if (f > (Long.MAX_VALUE) / 10) {
              overflow = true;
            } else {
              long y = f * 10 + (s.charAt(i) - '0');
              if (y < 0) {
                overflow = true;
              } else {
                f = y;
                scale *= 10;
              }
            }
          }
          i++;
        }
        post = i != fracStart;
      }
      if (!pre && !post) {
        throw invalid(text); // e.g. ".s"
      }
      int unitStart = i;
      while (i < s.length() && s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
        i++;
      }
      if (i == unitStart) {
        throw new IllegalArgumentException("time: missing unit in duration " + quote(text));
      }
      String u = s.substring(unitStart, i);
      long unit = unitNanos(u);
      if (unit == 0) {
        throw new IllegalArgumentException(
            "time: unknown unit " + quote(u) + " in duration " + quote(text));
      }
      if (Long.compareUnsigned(v, Long.divideUnsigned(LIMIT, unit)) > 0) {
        throw invalid(text);
      }
      v *= unit;
      if (f > 0) {
        v += (long) ((double) f * ((double) unit / scale));
        if (Long.compareUnsigned(v, LIMIT) > 0) {
          throw invalid(text);
        }
      }
      total += v;
      if (Long.compareUnsigned(total, LIMIT) > 0) {
        throw invalid(text);
      }
    }
    if (neg) {
      return Duration.ofNanos(-total); // -(1<<63) wraps to itself: Go's minimum, as intended
    }
    if (total < 0) {
      throw invalid(text); // exactly 1<<63 fits only as a negative duration
    }
    return Duration.ofNanos(total);
  }

  /** Formats like Go's {@code Duration.String}: {@code 0s}, {@code 500ms}, {@code 1m30s}, {@code 1h0m0s}. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    boolean neg = d.isNegative();
    Duration abs = d.abs();
    StringBuilder out = new StringBuilder();
    if (abs.compareTo(Duration.ofSeconds(1)) < 0) {
      long u = abs.getNano();
      if (u < US) {
        out.append(u).append("ns");
      } else if (u < MS) {
        out.append(withFraction(u, US)).append("µs");
      } else {
        out.append(withFraction(u, MS)).append("ms");
      }
    } else {
      long secs = abs.getSeconds();
      long hours = secs / 3600;
      long minutes = (secs / 60) % 60;
      if (hours > 0) {
        out.append(hours).append('h');
      }
      if (hours > 0 || minutes > 0) {
        out.append(minutes).append('m');
      }
      out.append(withFraction((secs % 60) * S + abs.getNano(), S)).append('s');
    }
    return neg ? "-" + out : out.toString();
  }

  /** {@code value / unit} in decimal, trailing zeros (and a bare point) dropped. */
  private static String withFraction(long value, long unit) {
    long whole = value / unit;
    long frac = value % unit;
    if (frac == 0) {
      return Long.toString(whole);
    }
    String digits = Long.toString(unit + frac).substring(1); // zero-padded to the unit's width
    int end = digits.length();
    while (digits.charAt(end - 1) == '0') {
      end--;
    }
    return whole + "." + digits.substring(0, end);
  }

  private static long unitNanos(String u) {
    return switch (u) {
      case "ns" -> NS;
      case "us", "\u00b5s", "\u03bcs" -> US; // Go accepts the micro sign and the Greek mu
      case "ms" -> MS;
      case "s" -> S;
      case "m" -> 60 * S;
      case "h" -> 3600 * S;
      default -> 0;
    };
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("time: invalid duration " + quote(text));
  }

  private static String quote(String s) {
    return Quoting.quote(s);
  }
}
