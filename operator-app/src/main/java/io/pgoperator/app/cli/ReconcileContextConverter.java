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
    Map<String, String> fields = ReconcileFields.of(event);
    if (fields.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("[");
    fields.forEach((key, value) -> out.append(out.length() > 1 ? " " : "").append(key).append('=').append(value));
    return out.append("] ").toString();
  }
}
