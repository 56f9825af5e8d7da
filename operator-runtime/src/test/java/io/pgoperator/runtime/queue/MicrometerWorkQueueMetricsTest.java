package io.pgoperator.runtime.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pgoperator.runtime.time.FakeClock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicrometerWorkQueueMetricsTest {

  private static final String TAGS = "{controller=\"pg\",name=\"pg\"}";

  private final FakeClock clock = new FakeClock();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MicrometerWorkQueueMetrics metrics =
      new MicrometerWorkQueueMetrics(registry, "pg", "pg", clock);
  private final WorkQueue<String> queue =
      new WorkQueue<>("pg", clock, RateLimiters.controllerDefault(clock), metrics);

  @Test
  void exportsClientGoMetricNamesWithNameAndControllerTags() {
    String scrape = registry.scrape();

    assertThat(scrape)
        .contains("# TYPE workqueue_depth gauge")
        .contains("# TYPE workqueue_adds_total counter")
        .contains("# TYPE workqueue_retries_total counter")
        .contains("# TYPE workqueue_queue_duration_seconds histogram")
        .contains("# TYPE workqueue_work_duration_seconds histogram")
        .contains("# TYPE workqueue_unfinished_work_seconds gauge")
        .contains("# TYPE workqueue_longest_running_processor_seconds gauge")
        .contains("workqueue_depth" + TAGS)
        .contains("workqueue_adds_total" + TAGS)
        .contains("workqueue_retries_total" + TAGS)
        .contains("workqueue_unfinished_work_seconds" + TAGS)
        .contains("workqueue_longest_running_processor_seconds" + TAGS);
  }

  @Test
  void durationHistogramsHaveClientGoBuckets() {
    String scrape = registry.scrape();

    for (String histogram : new String[] {"queue", "work"}) {
      String prefix =
          "workqueue_" + histogram + "_duration_seconds_bucket{controller=\"pg\",name=\"pg\",le=\"";
      for (String le :
          new String[] {
            "1.0E-8", "1.0E-7", "1.0E-6", "1.0E-5", "1.0E-4", "0.001", "0.01", "0.1", "1.0",
            "10.0", "100.0", "1000.0", "+Inf"
          }) {
        assertThat(scrape).contains(prefix + le + "\"}");
      }
      assertThat(scrape.split(java.util.regex.Pattern.quote(prefix), -1))
          .as("exactly 12 buckets and +Inf for %s", histogram)
          .hasSize(14);
    }
  }

  @Test
  void countsAddsRetriesAndReadyDepth() {
    queue.add("a");
    queue.add("a");
    queue.add("b");
    queue.addAfter("c", Duration.ofSeconds(1));
    assertThat(scraped("workqueue_depth")).as("waiting keys are not in depth").isEqualTo(2.0);
    assertThat(scraped("workqueue_adds_total")).as("collapsed adds are not counted").isEqualTo(2.0);

    String a = queue.poll();
    queue.add(a);
    assertThat(scraped("workqueue_depth")).as("dirty while processing").isEqualTo(1.0);
    assertThat(scraped("workqueue_adds_total")).isEqualTo(3.0);

    queue.done(a);
    clock.advance(Duration.ofSeconds(1));
    assertThat(scraped("workqueue_depth")).isEqualTo(3.0);
    assertThat(scraped("workqueue_adds_total")).isEqualTo(4.0);

    queue.addRateLimited("d");
    queue.addRateLimited("e");
    assertThat(scraped("workqueue_retries_total")).isEqualTo(2.0);

    queue.shutDown();
    assertThat(scraped("workqueue_depth")).isZero();
  }

  @Test
  void observesQueueAndWorkDurations() {
    queue.add("a");
    clock.advance(Duration.ofSeconds(3));
    queue.poll();
    clock.advance(Duration.ofSeconds(2));
    queue.done("a");

    Timer queued = registry.get("workqueue.queue.duration").tag("name", "pg").timer();
    Timer worked = registry.get("workqueue.work.duration").tag("name", "pg").timer();
    assertThat(queued.count()).isEqualTo(1);
    assertThat(queued.totalTime(TimeUnit.SECONDS)).isEqualTo(3.0);
    assertThat(worked.count()).isEqualTo(1);
    assertThat(worked.totalTime(TimeUnit.SECONDS)).isEqualTo(2.0);
    assertThat(scraped("workqueue_queue_duration_seconds_sum")).isEqualTo(3.0);
    assertThat(scraped("workqueue_work_duration_seconds_count")).isEqualTo(1.0);
  }

  @Test
  void reportsWorkInProgress() {
    queue.add("a");
    queue.add("b");
    queue.poll();
    clock.advance(Duration.ofSeconds(4));
    queue.poll();
    clock.advance(Duration.ofSeconds(1));

    assertThat(scraped("workqueue_unfinished_work_seconds")).isEqualTo(6.0);
    assertThat(scraped("workqueue_longest_running_processor_seconds")).isEqualTo(5.0);

    queue.done("a");
    queue.done("b");
    assertThat(scraped("workqueue_unfinished_work_seconds")).isZero();
    assertThat(scraped("workqueue_longest_running_processor_seconds")).isZero();
  }

  @Test
  void closeRemovesTheMetersSoAQueueCanBeRecreated() {
    metrics.close();
    MicrometerWorkQueueMetrics fresh = new MicrometerWorkQueueMetrics(registry, "pg", "pg", clock);
    fresh.depth(7);

    assertThat(scraped("workqueue_depth")).isEqualTo(7.0);
  }

  @Test
  void noopMetricsReportNothingInProgress() {
    WorkQueueMetrics noop = WorkQueueMetrics.noop();
    noop.taken("a");

    assertThat(noop.unfinishedWorkSeconds()).isZero();
    assertThat(noop.longestRunningProcessorSeconds()).isZero();
  }

  /** The value of {@code series} for this queue's tags, read the way Prometheus would. */
  private double scraped(String series) {
    String prefix = series + TAGS + " ";
    return registry.scrape().lines()
        .filter(line -> line.startsWith(prefix))
        .mapToDouble(line -> Double.parseDouble(line.substring(prefix.length())))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no series " + series + TAGS + " in the scrape"));
  }
}
