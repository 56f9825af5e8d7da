/**
 * The operator's HTTP endpoints: {@link io.pgoperator.runtime.http.ProbeServer}
 * ({@code /healthz}, {@code /readyz}) and {@link io.pgoperator.runtime.http.MetricsServer}
 * ({@code /metrics}), each a verticle listening on a
 * {@link io.pgoperator.runtime.http.BindAddress} written Go-style ({@code :8081},
 * {@code 127.0.0.1:8080}, {@code [::1]:0}, {@code 0} = off), as controller-runtime's flags are.
 * Handlers never block the event loop: checks are asynchronous with a timeout and the metrics
 * scrape runs on a worker.
 */
package io.pgoperator.runtime.http;
