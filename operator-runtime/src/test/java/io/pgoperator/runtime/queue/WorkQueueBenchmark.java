// Run:
// mvn -B -pl operator-runtime test -Dgroups=benchmark -DexcludedGroups= -Dtest=WorkQueueBenchmark
// (needs the parent pom's surefire <excludedGroups> to come from a property, see the queue
// branch's report; a literal value in the pom cannot be overridden from the command line).
// Without JUnit: mvn -q -B -pl operator-runtime test-compile dependency:build-classpath
//   -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
// then: java -cp operator-runtime/target/test-classes:operator-runtime/target/classes:$(cat
//   operator-runtime/target/test.classpath) io.pgoperator.runtime.queue.WorkQueueBenchmark
package io.pgoperator.runtime.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pgoperator.runtime.time.Clock;
import io.pgoperator.runtime.time.VertxClock;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Throughput of add → poll → done on one Vert.x context, with 1, 4 and 16 simulated workers.
 * Each key is re-added while it is being processed (so it is marked dirty and handed out once
 * more after done), and every key is added twice up front (the second add collapses). Workers
 * finish asynchronously through {@code runOnContext}, as a reconcile future would. Prints keys/s;
 * asserts only that every key went through exactly twice, never on timing.
 */
@Tag("benchmark")
class WorkQueueBenchmark {

  private static final int KEYS = 10_000;
  private static final int WARMUP_ROUNDS = 5;
  private static final int MEASURED_ROUNDS = 5;

  private final Vertx vertx = Vertx.vertx();

  public static void main(String[] args) throws Exception {
    WorkQueueBenchmark benchmark = new WorkQueueBenchmark();
    try {
      benchmark.throughputWithNoopMetrics();
      benchmark.throughputWithPrometheusMetrics();
    } finally {
      benchmark.closeVertx();
    }
  }

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void throughputWithNoopMetrics() throws Exception {
    for (int workers : new int[] {1, 4, 16}) {
      measure("noop metrics", workers, false);
    }
  }

  @Test
  void throughputWithPrometheusMetrics() throws Exception {
    for (int workers : new int[] {1, 4, 16}) {
      measure("prometheus metrics", workers, true);
    }
  }

  private void measure(String label, int workers, boolean prometheus) throws Exception {
    Context context = vertx.getOrCreateContext();
    for (int i = 0; i < WARMUP_ROUNDS; i++) {
      round(context, workers, prometheus);
    }
    long best = Long.MAX_VALUE;
    for (int i = 0; i < MEASURED_ROUNDS; i++) {
      best = Math.min(best, round(context, workers, prometheus));
    }
    double keysPerSecond = KEYS * 1e9 / best;
    System.out.printf(
        "WorkQueueBenchmark %-18s workers=%2d: %,.0f keys/s"
            + " (%,d keys, each processed twice; best of %d: %.1f ms)%n",
        label, workers, keysPerSecond, KEYS, MEASURED_ROUNDS, best / 1e6);
  }

  /** One pass of {@link #KEYS} keys; returns elapsed nanoseconds. */
  private long round(Context context, int workers, boolean prometheus) throws Exception {
    Promise<Long> finished = Promise.promise();
    context.runOnContext(v -> new Round(context, workers, prometheus, finished).start());
    return finished.future().await(60, TimeUnit.SECONDS);
  }

  /** All state lives on the one context, like the controller's workers. */
  private static final class Round {
    private final Context context;
    private final WorkQueue<String> queue;
    private final Promise<Long> finished;
    private final ArrayDeque<Integer> idleWorkers = new ArrayDeque<>();
    private final Set<String> readded = new HashSet<>();
    private int processed;
    private long startNanos;

    Round(Context context, int workers, boolean prometheus, Promise<Long> finished) {
      Clock clock = new VertxClock(context.owner());
      WorkQueueMetrics metrics =
          prometheus
              ? new MicrometerWorkQueueMetrics(
                  new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "bench", "bench", clock)
              : WorkQueueMetrics.noop();
      this.context = context;
      this.queue = new WorkQueue<>("bench", clock, RateLimiters.controllerDefault(clock), metrics);
      this.finished = finished;
      for (int w = 0; w < workers; w++) {
        idleWorkers.add(w);
      }
      queue.onReady(this::dispatch);
    }

    void start() {
      startNanos = System.nanoTime();
      for (int i = 0; i < KEYS; i++) {
        String key = "ns/pg-" + i;
        queue.add(key, i % 2 == 0 ? Priority.HIGH : Priority.LOW);
        queue.add(key);
      }
    }

    private void dispatch() {
      while (!idleWorkers.isEmpty()) {
        String key = queue.poll();
        if (key == null) {
          return;
        }
        int worker = idleWorkers.poll();
        if (readded.add(key)) {
          queue.add(key); // an event arrives mid-reconcile: dirty, handed out again after done
        }
        context.runOnContext(v -> complete(worker, key));
      }
    }

    private void complete(int worker, String key) {
      queue.done(key);
      processed++;
      idleWorkers.add(worker);
      if (processed == 2 * KEYS) {
        long elapsed = System.nanoTime() - startNanos;
        assertThat(queue.length() + queue.processing()).isZero();
        queue.shutDown();
        finished.complete(elapsed);
        return;
      }
      dispatch();
    }
  }
}
