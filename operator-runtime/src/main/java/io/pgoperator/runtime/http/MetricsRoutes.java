package io.pgoperator.runtime.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} in the Prometheus text format, or OpenMetrics when the scraper asks for
 * it in {@code Accept} (Prometheus servers do by default).
 */
public final class MetricsRoutes {

  public static final String PATH = "/metrics";
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  public static final String OPENMETRICS_TEXT =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";
  /** The scrape's own thread, shared by every server that mounts these routes. */
  static final String SCRAPE_POOL = "metrics-scrape";

  private static final Logger LOG = LoggerFactory.getLogger(MetricsRoutes.class);

  private MetricsRoutes() {}

  /**
   * Mounts the routes. Call from a verticle's start: the scrape's thread is then released when the
   * verticle is undeployed.
   */
  public static void mount(Vertx vertx, Router router, PrometheusMeterRegistry registry) {
    // Serialising every series is CPU work that grows with the number of resources watched: off
    // the event loop that also serves the probes, and on a thread of its own, so that a scrape
    // never waits behind other blocking work (after an outage, the caches' catch-up lists hold
    // both of Vert.x's workers for seconds).
    WorkerExecutor scrape = vertx.createSharedWorkerExecutor(SCRAPE_POOL, 1);
    router.route(PATH).method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(ctx -> serve(ctx, registry, scrape));
  }

  private static void serve(RoutingContext ctx, PrometheusMeterRegistry registry, WorkerExecutor scrape) {
    String accept = ctx.request().getHeader("Accept");
    // Only the two text formats: the registry could also write protobuf, which is not a String.
    String contentType = accept != null && accept.contains("application/openmetrics-text")
        ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
    scrape.executeBlocking(() -> registry.scrape(contentType), false)
        .onSuccess(body -> {
          if (!ctx.response().closed()) {
            ctx.response().putHeader("Content-Type", contentType).end(body);
          }
        })
        .onFailure(e -> {
          LOG.error("metrics scrape failed", e);
          if (ctx.response().closed()) {
            return;
          }
          ctx.response().setStatusCode(500)
              .putHeader("Content-Type", "text/plain; charset=utf-8")
              .end("metrics scrape failed: " + e + "\n");
        });
  }
}
