package io.pgoperator.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The start-up logging drops Micrometer's re-registration warning for Vert.x meters only. */
class VertxGaugeWarningFilterTest {

  private final LoggerContext context = new LoggerContext();
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();

  @BeforeEach
  void applyStartupLogging() {
    StartupLogging.apply(context);
    events.setContext(context);
    events.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(events);
  }

  @AfterEach
  void stop() {
    context.stop();
  }

  private void micrometerWarns(String meter) {
    context.getLogger(VertxGaugeWarningFilter.MICROMETER_REGISTRY).warn("This Gauge has been already registered"
        + " (MeterId{name='" + meter + "', tags=[]}), the registration will be ignored. Note that subsequent"
        + " logs will be logged at debug level.");
  }

  @Test
  void vertxConnectionGaugesRegisteredAgainAreNotReported() {
    micrometerWarns("vertx.http.client.active.connections");
    micrometerWarns("vertx.net.client.active.connections");

    assertThat(events.list).isEmpty();
  }

  @Test
  void anyOtherMetersDuplicateGaugeStillWarns() {
    micrometerWarns("workqueue.depth");

    assertThat(events.list).singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage()).contains("name='workqueue.depth'"));
  }

  @Test
  void otherMicrometerWarningsAboutVertxStillShow() {
    context.getLogger(VertxGaugeWarningFilter.MICROMETER_REGISTRY).warn("vertx.http.client meter could not be bound");

    assertThat(events.list).hasSize(1);
  }
}
