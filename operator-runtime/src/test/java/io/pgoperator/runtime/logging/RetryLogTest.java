package io.pgoperator.runtime.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A failure retried every second is logged once, not every second. */
class RetryLogTest {

  @Test
  void aFailureRetriedManyTimesWarnsOnceThenOnlyAtDebug() {
    Logger logger = (Logger) LoggerFactory.getLogger("retry-log-test");
    logger.setLevel(Level.DEBUG);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    RetryLog log = new RetryLog(logger, "informer for secrets");

    for (int i = 0; i < 50; i++) {
      log.failed(new CompletionException(new KubernetesClientException("connection refused")));
    }

    assertThat(appender.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage())
            .isEqualTo("informer for secrets failed; retrying: connection refused"));
    assertThat(appender.list).filteredOn(e -> e.getLevel() == Level.DEBUG).hasSize(49);
  }

  @Test
  void unwrapsTheFutureAroundTheError() {
    KubernetesClientException forbidden = new KubernetesClientException("forbidden", 403, null);
    assertThat(RetryLog.unwrap(new CompletionException(new CompletionException(forbidden)))).isSameAs(forbidden);
    assertThat(RetryLog.describe(new CompletionException(forbidden))).isEqualTo("forbidden");
  }
}
