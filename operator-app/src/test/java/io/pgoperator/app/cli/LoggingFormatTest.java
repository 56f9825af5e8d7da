package io.pgoperator.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The two line formats, checked on hand-built events (no global logging state involved). */
class LoggingFormatTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Map<String, String> RECONCILE_MDC =
      Map.of("controller", "postgrescluster", "key", "ns/name", "reconcileID", "4f1c");

  private final LoggerContext context = new LoggerContext();

  private ILoggingEvent event(Map<String, String> mdc, Throwable thrown, String message,
      Object... args) {
    Logger logger = context.getLogger("io.pgoperator.app.controller.PostgresClusterReconciler");
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, message,
        thrown, args);
    event.setInstant(Instant.parse("2026-11-24T01:02:03.456Z"));
    event.setThreadName("vert.x-eventloop-thread-0");
    event.setMDCPropertyMap(mdc);
    return event;
  }

  private String encode(String format, ILoggingEvent event) {
    Encoder<ILoggingEvent> encoder = LoggingSetup.encoder(context, format);
    return new String(encoder.encode(event), StandardCharsets.UTF_8);
  }

  @Test
  void jsonLineIsOneValidObjectWithTheReconcileFieldsAtTopLevel() {
    String line = encode("json", event(RECONCILE_MDC, null, "scaled {} to {}", "db", 3));
    assertThat(line).endsWith("\n");
    assertThat(line.strip()).doesNotContain("\n");
    JsonNode node = JSON.readTree(line);
    assertThat(node.get("timestamp").asString()).isEqualTo("2026-11-24T01:02:03.456Z");
    assertThat(node.get("level").asString()).isEqualTo("INFO");
    assertThat(node.get("logger").asString())
        .isEqualTo("io.pgoperator.app.controller.PostgresClusterReconciler");
    assertThat(node.get("thread").asString()).isEqualTo("vert.x-eventloop-thread-0");
    assertThat(node.get("message").asString()).isEqualTo("scaled db to 3");
    assertThat(node.get("controller").asString()).isEqualTo("postgrescluster");
    assertThat(node.get("key").asString()).isEqualTo("ns/name");
    assertThat(node.get("reconcileID").asString()).isEqualTo("4f1c");
    assertThat(node.has("exception")).isFalse();
    assertThat(node.has("sequenceNumber")).isFalse();
  }

  @Test
  void jsonCarriesTheStackTraceAsOneStringAndEscapesEverything() {
    String line = encode("json", event(Map.of("tricky", "a\"b\\c\u0001"),
        new IllegalStateException("boom\nsecond line"), "quote \" and\ttab"));
    assertThat(line.strip()).doesNotContain("\n");
    JsonNode node = JSON.readTree(line);
    assertThat(node.get("message").asString()).isEqualTo("quote \" and\ttab");
    assertThat(node.get("tricky").asString()).isEqualTo("a\"b\\c\u0001");
    assertThat(node.get("exception").asString())
        .startsWith("java.lang.IllegalStateException: boom\nsecond line")
        .contains("\tat io.pgoperator.app.cli.LoggingFormatTest");
    assertThat(node.has("controller")).isFalse();
  }

  @Test
  void jsonNeverLetsContextOverwriteFixedFields() {
    LoggingEvent e = (LoggingEvent) event(Map.of("level", "fake"), null, "m");
    e.addKeyValuePair(new KeyValuePair("attempt", 2));
    JsonNode node = JSON.readTree(encode("json", e));
    assertThat(node.get("level").asString()).isEqualTo("INFO");
    assertThat(node.get("mdc.level").asString()).isEqualTo("fake");
    assertThat(node.get("attempt").asString()).isEqualTo("2");
  }

  @Test
  void textLineShowsTheReconcileContextWhenPresent() {
    String line = encode("text", event(RECONCILE_MDC, null, "hello"));
    assertThat(line).isEqualTo("2026-11-24T01:02:03.456Z INFO  [controller=postgrescluster"
        + " key=ns/name reconcileID=4f1c] i.p.a.c.PostgresClusterReconciler - hello\n");
  }

  @Test
  void textLineHasNoBracketsOutsideAReconcile() {
    assertThat(encode("text", event(Map.of(), null, "started")))
        .isEqualTo("2026-11-24T01:02:03.456Z INFO  i.p.a.c.PostgresClusterReconciler - started\n");
    assertThat(encode("text", event(Map.of("controller", "postgrescluster", "other", "x"), null,
        "m"))).contains("INFO  [controller=postgrescluster] i.p.a.c.");
  }

  @Test
  void textLineAppendsTheStackTrace() {
    String text = encode("text", event(Map.of(), new IllegalStateException("boom"), "failed"));
    assertThat(text).contains(" - failed\njava.lang.IllegalStateException: boom\n\tat ");
  }

  @Test
  void unknownFormatIsRejected() {
    assertThatThrownBy(() -> LoggingSetup.encoder(context, "xml"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("xml");
    assertThatThrownBy(() -> LoggingSetup.configure("text", "loud"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loud");
  }

  @Test
  void converterListsOnlyTheKnownKeysInOrder() {
    assertThat(new ReconcileContextConverter().convert(event(
        Map.of("reconcileID", "r", "controller", "c"), null, "m")))
        .isEqualTo("[controller=c reconcileID=r] ");
    assertThat(ReconcileContextConverter.KEYS).isEqualTo(List.of("controller", "key",
        "reconcileID"));
  }
}
