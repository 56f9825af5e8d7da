package io.pgoperator.app.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops Micrometer's "This Gauge has been already registered" warning for Vert.x's own meters,
 * and only for those. Vert.x registers a connection gauge again for every connection on purpose
 * and shares one counter behind it, so nothing is lost (vertx-micrometer-metrics#259,
 * micrometer#6931); the warning would only alarm a newcomer on the first screen. The same warning
 * for any other meter, such as the operator's own, still shows.
 */
public final class VertxGaugeWarningFilter extends TurboFilter {

  static final String MICROMETER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";
  private static final String WARNING = "This Gauge has been already registered (MeterId{name='vertx.";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (format != null && level == Level.WARN && MICROMETER_REGISTRY.equals(logger.getName())
        && format.startsWith(WARNING)) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }
}
