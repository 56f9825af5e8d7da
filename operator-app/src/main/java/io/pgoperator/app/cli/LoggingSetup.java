package io.pgoperator.app.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Switches logging to the format and level chosen on the command line. {@link StartupLogging}
 * gives the text format at INFO until then; {@code main} calls {@link #configure} right after
 * parsing. Logs go to stderr, like controller-runtime's, which keeps stdout for help and version.
 */
public final class LoggingSetup {

  /** Name of the console appender on the root logger. */
  public static final String APPENDER_NAME = "CONSOLE";

  static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %reconcile%logger{36} - %msg%n";

  /**
   * Libraries that are chatty at INFO or DEBUG: they never log below these levels, whatever
   * {@code --log-level} says, but a stricter {@code --log-level} quiets them further.
   */
  static final Map<String, Level> LIBRARY_FLOORS = Map.of(
      "io.netty", Level.WARN,
      "io.fabric8", Level.WARN,
      // Its one warning is that a custom resource's version is not v1: ours is v1alpha1 on purpose.
      "io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils", Level.ERROR,
      // It logs a stack trace at every failed list or watch (WARN, or ERROR when the runtime
      // stops a refused informer to retry it later), within a second during an outage; the
      // runtime reports exactly those failures itself, once a minute (RetryLog).
      "io.fabric8.kubernetes.client.informers.impl.cache.Reflector", Level.OFF,
      "io.micrometer", Level.WARN,
      // "Connection evicted" at every connection the HTTP client's pool drops, such as each failed
      // attempt to reach an API server that is down; the runtime reports the outage itself.
      "io.vertx.core.http.impl.HttpClientConnectionInternal", Level.ERROR,
      "io.vertx", Level.INFO);

  private LoggingSetup() {}

  public static void configure(OperatorOptions options) {
    configure(options.logFormat(), options.logLevel());
  }

  /**
   * @param format {@code text} or {@code json}
   * @param level {@code error}, {@code warn}, {@code info}, {@code debug} or {@code trace}
   * @throws IllegalArgumentException for any other format or level
   */
  public static void configure(String format, String level) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      configure(context, format, level);
    } // else another SLF4J backend: its own configuration applies
  }

  static void configure(LoggerContext context, String format, String level) {
    Level threshold = level(level);
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName(APPENDER_NAME);
    appender.setTarget("System.err");
    appender.setEncoder(encoder(context, format));
    appender.start();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    Appender<ILoggingEvent> previous = root.getAppender(APPENDER_NAME);
    root.addAppender(appender);
    if (previous != null) {
      root.detachAppender(previous);
      previous.stop();
    }
    root.setLevel(threshold);
    LIBRARY_FLOORS.forEach((name, floor) ->
        context.getLogger(name).setLevel(floor.isGreaterOrEqual(threshold) ? floor : threshold));
  }

  static Encoder<ILoggingEvent> encoder(LoggerContext context, String format) {
    switch (format.toLowerCase(Locale.ROOT)) {
      case "json" -> {
        JsonLineEncoder json = new JsonLineEncoder();
        json.setContext(context);
        json.start();
        return json;
      }
      case "text" -> {
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.getInstanceConverterMap().put("reconcile", ReconcileContextConverter::new);
        layout.setPattern(TEXT_PATTERN);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> text = new LayoutWrappingEncoder<>();
        text.setContext(context);
        text.setCharset(StandardCharsets.UTF_8);
        text.setLayout(layout);
        text.start();
        return text;
      }
      default -> throw new IllegalArgumentException(
          "unknown log format " + Quoting.quote(format) + " (want text or json)");
    }
  }

  private static Level level(String level) {
    return switch (level.toLowerCase(Locale.ROOT)) {
      case "error" -> Level.ERROR;
      case "warn" -> Level.WARN;
      case "info" -> Level.INFO;
      case "debug" -> Level.DEBUG;
      case "trace" -> Level.TRACE;
      default -> throw new IllegalArgumentException(
          "unknown log level " + Quoting.quote(level) + " (want error, warn, info, debug or trace)");
    };
  }
}
