package io.pgoperator.runtime.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process's one Prometheus registry: JVM metrics, Vert.x's own {@code vertx_*} metrics and,
 * later, the controller metrics other components register on {@link #registry()}. Create it
 * before the Vert.x instance, because Vert.x picks its metrics backend only at creation:
 *
 * <pre>{@code
 * MetricsSetup metrics = new MetricsSetup();
 * Vertx vertx = metrics.vertxBuilder(new VertxOptions()).build();
 * }</pre>
 *
 * Vert.x 5 takes a ready-made registry only through {@link VertxBuilder#withMetrics}; the
 * options alone ({@link #applyTo}) select the backend by name. This class registers its
 * registry under that name up front, so {@code Vertx.vertx(metrics.applyTo(options))} lands in
 * the same registry too, as long as vertx-micrometer-metrics' service file survives packaging.
 */
public final class MetricsSetup implements AutoCloseable {

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final PrometheusMeterRegistry registry;
  private final MicrometerMetricsOptions vertxMetricsOptions;
  private final JvmGcMetrics gcMetrics;

  public MetricsSetup() {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // A name per instance: vertx-micrometer keeps backends in a JVM-wide map keyed by it.
    this.vertxMetricsOptions = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName("pg-operator-" + INSTANCES.incrementAndGet())
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        // Bound below instead, once, with a GC binder we can close.
        .setJvmMetricsEnabled(false);
    PrometheusConventions.apply(registry);
    BackendRegistries.setupBackend(vertxMetricsOptions, registry);

    PrometheusConventions.bindProcessCpuSeconds(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    this.gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Sets the Vert.x metrics options that route {@code vertx_*} metrics into {@link #registry()}. */
  public VertxOptions applyTo(VertxOptions options) {
    return options.setMetricsOptions(new MicrometerMetricsOptions(vertxMetricsOptions));
  }

  /** A Vert.x builder wired to {@link #registry()} explicitly (no service loading involved). */
  public VertxBuilder vertxBuilder(VertxOptions options) {
    return Vertx.builder()
        .with(applyTo(options))
        .withMetrics(new MicrometerMetricsFactory(registry));
  }

  /** Prometheus text format 0.0.4. CPU work proportional to the number of series: not on an event loop. */
  public String scrape() {
    return registry.scrape();
  }

  /** Call after the Vert.x instance is closed. */
  @Override
  public void close() {
    gcMetrics.close();
    BackendRegistries.stop(vertxMetricsOptions.getRegistryName());
    registry.close();
  }
}
