package io.pgoperator.app.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logging from the first line until {@link LoggingSetup#configure} applies the flags: text at
 * INFO on stderr, the library floors, and Micrometer's Vert.x gauge warning dropped. Logback finds
 * it as a service ({@code META-INF/services}) before it looks for {@code logback.xml}; set up in
 * code because reading a configuration file loads logback's configuration framework and an XML
 * parser, about 500 classes a process keeps for its life. A {@code logback-test.xml} on the class
 * path (the tests') still wins.
 */
public final class StartupLogging extends ContextAwareBase implements Configurator {

  static final String TEST_CONFIGURATION = "logback-test.xml";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (StartupLogging.class.getClassLoader().getResource(TEST_CONFIGURATION) != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    apply(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  static void apply(LoggerContext context) {
    VertxGaugeWarningFilter filter = new VertxGaugeWarningFilter();
    filter.setContext(context);
    filter.start();
    context.addTurboFilter(filter);
    LoggingSetup.configure(context, "text", "info");
  }
}
