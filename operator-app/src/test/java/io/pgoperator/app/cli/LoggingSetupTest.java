package io.pgoperator.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Switching the real (global) logback set-up, as main does; restored after each test. */
class LoggingSetupTest {

  private static final Logger LOG = LoggerFactory.getLogger(LoggingSetupTest.class);

  @AfterEach
  void restoreStartUpLogging() {
    LoggingSetup.configure("text", "info");
  }

  /** Logs through SLF4J with stderr captured; the console appender writes to System.err. */
  private static List<String> stderrLines(Consumer<Logger> logging) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      logging.accept(LOG);
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void jsonFormatWritesOneParsableObjectPerLineWithMdc() {
    LoggingSetup.configure("json", "info");
    List<String> lines = stderrLines(log -> {
      MDC.put("controller", "postgrescluster");
      MDC.put("key", "ns/db");
      MDC.put("reconcileID", "abc-123");
      try {
        log.info("reconciling");
      } finally {
        MDC.clear();
      }
      log.debug("not shown at info");
    });
    assertThat(lines).hasSize(1);
    JsonNode node = JsonMapper.builder().build().readTree(lines.get(0));
    assertThat(node.get("message").asString()).isEqualTo("reconciling");
    assertThat(node.get("level").asString()).isEqualTo("INFO");
    assertThat(node.get("controller").asString()).isEqualTo("postgrescluster");
    assertThat(node.get("key").asString()).isEqualTo("ns/db");
    assertThat(node.get("reconcileID").asString()).isEqualTo("abc-123");
  }

  @Test
  void textFormatAtDebugShowsDebugLinesWithMdc() {
    LoggingSetup.configure("text", "debug");
    List<String> lines = stderrLines(log -> {
      MDC.put("controller", "postgrescluster");
      try {
        log.debug("detail");
      } finally {
        MDC.clear();
      }
    });
    assertThat(lines).singleElement().asString()
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z DEBUG \\[controller="
            + "postgrescluster] i\\.p\\.app\\.cli\\.LoggingSetupTest - detail");
  }

  @Test
  void levelAppliesToRootAndLibrariesNeverGetChattierThanTheirFloor() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    LoggingSetup.configure("text", "trace");
    assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel())
        .isEqualTo(Level.TRACE);
    assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.vertx").getLevel()).isEqualTo(Level.INFO);
    LoggingSetup.configure("text", "error");
    assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.ERROR);
    assertThat(context.getLogger("io.fabric8").getLevel()).isEqualTo(Level.ERROR);
  }

  @Test
  void reconfiguringReplacesTheConsoleAppenderInsteadOfAddingOne() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    LoggingSetup.configure("json", "info");
    LoggingSetup.configure("json", "info");
    var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    List<Object> appenders = new java.util.ArrayList<>();
    root.iteratorForAppenders().forEachRemaining(appenders::add);
    assertThat(appenders).singleElement().isInstanceOf(ConsoleAppender.class);
    assertThat(((ConsoleAppender<?>) appenders.get(0)).getEncoder())
        .isInstanceOf(JsonLineEncoder.class);
  }

  @Test
  void startupLoggingIsTheTextFormatAtInfoWithTheLibraryFloors() {
    LoggerContext fresh = new LoggerContext();
    StartupLogging.apply(fresh);
    StatusUtil status = new StatusUtil(fresh);
    assertThat(status.getHighestLevel(0))
        .as("logback status: %s", fresh.getStatusManager().getCopyOfStatusList())
        .isLessThan(Status.WARN);
    var root = fresh.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    assertThat(root.getAppender(LoggingSetup.APPENDER_NAME)).isInstanceOfSatisfying(ConsoleAppender.class,
        console -> assertThat(console.getEncoder()).isNotInstanceOf(JsonLineEncoder.class));
    LoggingSetup.LIBRARY_FLOORS.forEach((name, level) ->
        assertThat(fresh.getLogger(name).getLevel()).as(name).isEqualTo(level));
    fresh.stop();
  }

  @Test
  void logbackFindsTheStartupLoggingAndNoConfigurationFile() {
    assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
        .containsExactly(StartupLogging.class);
    assertThat(LoggingSetup.class.getResource("/logback.xml")).as("a logback.xml would load Joran after all").isNull();
  }
}
