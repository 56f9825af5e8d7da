package io.pgoperator.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.pgoperator.runtime.reconcile.ReconcileScope;
import io.pgoperator.runtime.reconcile.Request;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A reconcile's later steps log with its fields although no MDC was set for them. */
class ReconcileFieldsTest {

  private final Vertx vertx = Vertx.vertx();
  private final LoggerContext logging = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private LoggingEvent event() {
    return new LoggingEvent("test", logging.getLogger("test"), Level.INFO, "created Secret ns/x", null, null);
  }

  @Test
  void fieldsComeFromTheReconcileRunningOnTheCurrentContext() throws Exception {
    ReconcileScope scope = new ReconcileScope("postgrescluster", new Request("ns", "demo"), "id-1", null);
    Promise<Map<String, String>> seen = Promise.promise();
    // A callback after an asynchronous step, as in a reconcile's compose chain.
    scope.bindTo(vertx.getOrCreateContext()).runOnContext(v -> vertx.timer(1)
        .onComplete(t -> seen.complete(ReconcileFields.of(event()))));
    assertThat(seen.future().await(10, TimeUnit.SECONDS)).containsExactly(
        Map.entry("controller", "postgrescluster"), Map.entry("key", "ns/demo"), Map.entry("reconcileID", "id-1"));
  }

  @Test
  void noFieldsOutsideAReconcile() throws Exception {
    Future<Map<String, String>> seen = vertx.getOrCreateContext().executeBlocking(() -> ReconcileFields.of(event()));
    assertThat(seen.await(10, TimeUnit.SECONDS)).isEmpty();
    assertThat(ReconcileFields.of(event())).isEmpty();
  }
}
