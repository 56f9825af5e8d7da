package io.pgoperator.runtime.queue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.pgoperator.runtime.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * client-go's workqueue metrics in Micrometer. Under the Prometheus naming convention the meters
 * export as {@code workqueue_depth}, {@code workqueue_adds_total}, {@code
 * workqueue_retries_total}, {@code workqueue_queue_duration_seconds}, {@code
 * workqueue_work_duration_seconds} (histograms with client-go's buckets, 10 ns … 1000 s), {@code
 * workqueue_unfinished_work_seconds} and {@code workqueue_longest_running_processor_seconds}, each
 * tagged {@code name} and {@code controller} (controller-runtime sets both to the controller name).
 */
public final class MicrometerWorkQueueMetrics implements WorkQueueMetrics {

  private final MeterRegistry registry;
  private final Clock clock;
  private final Counter adds;
  private final Counter retries;
  private final Timer queueDuration;
  private final Timer workDuration;
  private final List<Meter> meters;
  // Written on the queue's context, read by the scraper: hence volatile / concurrent.
  private volatile int depth;
  private final Map<Object, Long> queuedSince = new ConcurrentHashMap<>();
  private final Map<Object, Long> processingSince = new ConcurrentHashMap<>();

  public MicrometerWorkQueueMetrics(
      MeterRegistry registry, String name, String controller, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    Tags tags = Tags.of("name", name, "controller", controller);
    Gauge depthGauge =
        Gauge.builder("workqueue.depth", this, m -> m.depth)
            .description("Current depth of workqueue")
            .tags(tags)
            .strongReference(true)
            .register(registry);
    adds =
        Counter.builder("workqueue.adds")
            .description("Total number of adds handled by workqueue")
            .tags(tags)
            .register(registry);
    retries =
        Counter.builder("workqueue.retries")
            .description("Total number of retries handled by workqueue")
            .tags(tags)
            .register(registry);
    queueDuration =
        durationHistogram(
            "workqueue.queue.duration",
            "How long in seconds an item stays in workqueue before being requested",
            tags);
    workDuration =
        durationHistogram(
            "workqueue.work.duration",
            "How long in seconds processing an item from workqueue takes",
            tags);
    Gauge unfinished =
        Gauge.builder(
                "workqueue.unfinished.work",
                this,
                MicrometerWorkQueueMetrics::unfinishedWorkSeconds)
            .description(
                "How many seconds of work has been done that is in progress and hasn't been"
                    + " observed by work_duration. Large values indicate stuck threads.")
            .baseUnit("seconds")
            .tags(tags)
            .strongReference(true)
            .register(registry);
    Gauge longest =
        Gauge.builder(
                "workqueue.longest.running.processor",
                this,
                MicrometerWorkQueueMetrics::longestRunningProcessorSeconds)
            .description(
                "How many seconds has the longest running processor for workqueue been running.")
            .baseUnit("seconds")
            .tags(tags)
            .strongReference(true)
            .register(registry);
    meters = List.of(depthGauge, adds, retries, queueDuration, workDuration, unfinished, longest);
  }

  private Timer durationHistogram(String meterName, String description, Tags tags) {
    // client-go: prometheus.ExponentialBuckets(10e-9, 10, 12), i.e. 10 ns, 100 ns, ... 1000 s.
    Duration[] buckets = new Duration[12];
    long nanos = 10;
    for (int i = 0; i < buckets.length; i++, nanos *= 10) {
      buckets[i] = Duration.ofNanos(nanos);
    }
    return Timer.builder(meterName)
        .description(description)
        .tags(tags)
        .serviceLevelObjectives(buckets)
        .register(registry);
  }

  /** Removes this queue's meters, so a queue created later under the same names starts fresh. */
  public void close() {
    meters.forEach(registry::remove);
  }

  @Override
  public void added(Object key) {
    adds.increment();
    queuedSince.putIfAbsent(key, clock.nanoTime());
  }

  @Override
  public void depth(int readyKeys) {
    depth = readyKeys;
  }

  @Override
  public void taken(Object key) {
    long now = clock.nanoTime();
    Long since = queuedSince.remove(key);
    if (since != null) {
      queueDuration.record(now - since, TimeUnit.NANOSECONDS);
    }
    processingSince.put(key, now);
  }

  @Override
  public void done(Object key) {
    Long since = processingSince.remove(key);
    if (since != null) {
      workDuration.record(clock.nanoTime() - since, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void retried(Object key) {
    retries.increment();
  }

  @Override
  public double unfinishedWorkSeconds() {
    long now = clock.nanoTime();
    long total = 0;
    for (long since : processingSince.values()) {
      total += now - since;
    }
    return total / 1e9;
  }

  @Override
  public double longestRunningProcessorSeconds() {
    long now = clock.nanoTime();
    long longest = 0;
    for (long since : processingSince.values()) {
      longest = Math.max(longest, now - since);
    }
    return longest / 1e9;
  }
}
