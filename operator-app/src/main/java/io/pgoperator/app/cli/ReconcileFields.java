package io.pgoperator.app.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.pgoperator.runtime.reconcile.ReconcileScope;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reconcile fields of a log event: {@code controller}, {@code key}, {@code reconcileID}.
 * They come from the MDC when the runtime set it, else from the reconcile running on the current
 * Vert.x context: a reconcile's later steps run in callbacks where no MDC was set, but on the
 * duplicated context that carries its {@link ReconcileScope}. Appenders here are synchronous, so
 * the logging thread's context is the one that logged.
 */
final class ReconcileFields {

  private ReconcileFields() {}

  static Map<String, String> of(ILoggingEvent event) {
    Map<String, String> fields = new LinkedHashMap<>();
    Map<String, String> mdc = event.getMDCPropertyMap();
    for (String key : ReconcileContextConverter.KEYS) {
      String value = mdc == null ? null : mdc.get(key);
      if (value != null) {
        fields.put(key, value);
      }
    }
    if (fields.isEmpty()) {
      ReconcileScope scope = ReconcileScope.current();
      if (scope != null) {
        fields.put("controller", scope.controller());
        fields.put("key", scope.request().toString());
        fields.put("reconcileID", scope.reconcileId());
      }
    }
    return fields;
  }
}
