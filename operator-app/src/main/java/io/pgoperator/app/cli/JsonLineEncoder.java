package io.pgoperator.app.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.event.KeyValuePair;

/**
 * One compact JSON object per line: {@code timestamp}, {@code level}, {@code logger},
 * {@code thread}, {@code message}, then every MDC entry and SLF4J key-value pair as a top-level
 * string field ({@code controller}, {@code key}, {@code reconcileID} first), then
 * {@code exception} (the stack trace as one string) if there is one. Chosen over logback's
 * JsonEncoder, which adds sequence numbers, nanoseconds and the whole logger context to every
 * line. Public because logback instantiates it by name.
 */
public class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final Set<String> RESERVED =
      Set.of("timestamp", "level", "logger", "thread", "message", "exception");
  private static final byte[] NONE = new byte[0];

  @Override
  public byte[] headerBytes() {
    return NONE;
  }

  @Override
  public byte[] footerBytes() {
    return NONE;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    StringBuilder out = new StringBuilder(256);
    out.append('{');
    field(out, "timestamp", TIMESTAMP.format(event.getInstant()));
    field(out, "level", event.getLevel().toString());
    field(out, "logger", event.getLoggerName());
    field(out, "thread", event.getThreadName());
    field(out, "message", event.getFormattedMessage());
    ReconcileFields.of(event).forEach((key, value) -> field(out, key, value));
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null && !mdc.isEmpty()) {
      for (Map.Entry<String, String> e : new TreeMap<>(mdc).entrySet()) {
        if (!ReconcileContextConverter.KEYS.contains(e.getKey())) {
          field(out, safeName(e.getKey()), e.getValue());
        }
      }
    }
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      for (KeyValuePair pair : pairs) {
        field(out, safeName(pair.key), String.valueOf(pair.value));
      }
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      field(out, "exception", ThrowableProxyUtil.asString(thrown));
    }
    out.setCharAt(out.length() - 1, '}'); // replaces the last field's trailing comma
    out.append('\n');
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Context fields never overwrite the fixed ones. */
  private static String safeName(String key) {
    return RESERVED.contains(key) ? "mdc." + key : key;
  }

  private static void field(StringBuilder out, String name, String value) {
    string(out, name);
    out.append(':');
    if (value == null) {
      out.append("null");
    } else {
      string(out, value);
    }
    out.append(',');
  }

  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
