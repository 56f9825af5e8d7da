package io.pgoperator.app.cli;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import java.util.Map;

/**
 * Pattern word {@code %reconcile}: {@code [controller=... key=... reconcileID=...] } with only
 * the MDC keys that are set, or nothing at all outside a reconcile. Public because logback
 * instantiates it by name.
 */
public class ReconcileContextConverter extends ClassicConverter {

  /** The MDC keys the controller runtime sets around a reconcile, in print order. */
  public static final List<String> KEYS = List.of("controller", "key", "reconcileID");

  @Override
  public String convert(ILoggingEvent event) {
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc == null || mdc.isEmpty()) {
      return "";
    }
    StringBuilder out = null;
    for (String key : KEYS) {
      String value = mdc.get(key);
      if (value == null) {
        continue;
      }
      out = out == null ? new StringBuilder("[") : out.append(' ');
      out.append(key).append('=').append(value);
    }
    return out == null ? "" : out.append("] ").toString();
  }
}
