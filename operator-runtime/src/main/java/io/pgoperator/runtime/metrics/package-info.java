/**
 * Metrics plumbing: one Micrometer {@link io.micrometer.prometheusmetrics.PrometheusMeterRegistry}
 * per process ({@link io.pgoperator.runtime.metrics.MetricsSetup}) holding JVM metrics, Vert.x's
 * own {@code vertx_*} metrics and the controller metrics other packages register on it. It must
 * exist before the Vert.x instance. Naming rules so the exposition passes
 * {@code promtool check metrics}: snake_case names, base units (seconds, bytes) in the name via
 * Micrometer's base-unit timers and {@code baseUnit(..)}, and counters registered without a
 * {@code _total} suffix (the Prometheus registry appends it).
 */
package io.pgoperator.runtime.metrics;
