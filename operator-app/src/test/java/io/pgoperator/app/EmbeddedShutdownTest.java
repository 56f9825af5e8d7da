package io.pgoperator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Embedded mode's shutdown goes on when the demo API server fails to close (fabric8's mock server
 * stalls when a watch closes with an event in flight): the replicas are stopped all the same.
 */
class EmbeddedShutdownTest {

  @Test
  void aDemoServerThatFailsToCloseDoesNotStopTheShutdown() {
    EmbeddedReplicas replicas = new EmbeddedReplicas(0, index -> null, null);
    AtomicBoolean closeTried = new AtomicBoolean();
    AutoCloseable stalled = () -> {
      closeTried.set(true);
      throw new IllegalStateException("Unable to close MockWebServer");
    };

    assertThatCode(() -> EmbeddedRun.stopAll(replicas, stalled, Duration.ofSeconds(5)).await())
        .doesNotThrowAnyException();
    assertThat(closeTried).isTrue();
  }
}
