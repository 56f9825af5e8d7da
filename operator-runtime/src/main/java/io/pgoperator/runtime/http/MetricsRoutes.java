package io.pgoperator.runtime.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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

  private static final Logger LOG = LoggerFactory.getLogger(MetricsRoutes.class);

  private MetricsRoutes() {}

  public static void mount(Router router, PrometheusMeterRegistry registry) {
    router.route(PATH).method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(ctx -> serve(ctx, registry));
  }

  private static void serve(RoutingContext ctx, PrometheusMeterRegistry registry) {
    String accept = ctx.request().getHeader("Accept");
    // Only the two text formats: the registry could also write protobuf, which is not a String.
    String contentType = accept != null && accept.contains("application/openmetrics-text")
        ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
    // Serialising every series is CPU work that grows with the number of resources watched;
    // keep it off the event loop that also serves the probes.
    ctx.vertx().executeBlocking(() -> registry.scrape(contentType), false)
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
