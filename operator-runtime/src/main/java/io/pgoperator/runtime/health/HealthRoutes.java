package io.pgoperator.runtime.health;

import io.pgoperator.runtime.time.Clock;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Serves a {@link HealthChecks} registry the way controller-runtime's {@code pkg/healthz}
 * does: {@code GET <path>} aggregates every check ({@code ?verbose} lists them all,
 * {@code ?exclude=<name>} skips one), {@code GET <path>/<name>} runs one check and shows its
 * reason. The aggregate never shows reasons because probe endpoints are unauthenticated; the
 * reasons go to the log instead (see {@link FailureLog}). Unhealthy answers are 503 (Service
 * Unavailable) where controller-runtime answers 500; the kubelet treats both as failure.
 */
public final class HealthRoutes {

  public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(5);

  static final String CONTENT_TYPE = "text/plain; charset=utf-8";

  private final CheckRunner runner;

  public HealthRoutes(Clock clock, Duration checkTimeout) {
    this.runner = new CheckRunner(Objects.requireNonNull(clock, "clock"), checkTimeout);
  }

  public HealthRoutes(Clock clock) {
    this(clock, DEFAULT_CHECK_TIMEOUT);
  }

  /**
   * Adds GET and HEAD routes for {@code path} (e.g. {@code /healthz}) and
   * {@code path/<name>}; other methods get 405 from the router.
   */
  public void mount(Router router, String path, HealthChecks checks) {
    if (path == null || !path.matches("(/[A-Za-z0-9._-]+)+")) {
      throw new IllegalArgumentException("health endpoint path '" + path
          + "' must start with '/' and not end with '/', e.g. /healthz");
    }
    FailureLog log = new FailureLog(path);
    router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(ctx -> serveAggregated(ctx, checks, log));
    router.route(path + "/:name").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(ctx -> serveOne(ctx, checks));
  }

  private void serveAggregated(RoutingContext ctx, HealthChecks checks, FailureLog log) {
    boolean verbose = ctx.queryParams().contains("verbose");
    Set<String> excluded = new TreeSet<>(ctx.queryParam("exclude"));
    var registered = checks.all();
    runner.runAll(registered, excluded, context()).onSuccess(results -> {
      log.record(results);
      Set<String> unknownExcludes = new TreeSet<>(excluded);
      unknownExcludes.removeAll(registered.keySet());
      boolean failed = results.stream().anyMatch(CheckResult::failed);
      respond(ctx.response(), failed ? 503 : 200,
          failed || verbose ? verboseBody(results, unknownExcludes, failed) : "ok");
    });
  }

  private void serveOne(RoutingContext ctx, HealthChecks checks) {
    String name = ctx.pathParam("name");
    var check = checks.get(name);
    if (check.isEmpty()) {
      respond(ctx.response(), 404, "404 page not found: no health check named \"" + name + "\"\n");
      return;
    }
    runner.run(name, check.get(), context()).onSuccess(result -> respond(ctx.response(),
        result.failed() ? 503 : 200,
        result.failed() ? "internal server error: " + result.reason() + "\n" : "ok"));
  }

  // Same text as controller-runtime, so existing runbooks and scripts read it unchanged.
  private static String verboseBody(List<CheckResult> results, Set<String> unknownExcludes,
      boolean failed) {
    StringBuilder body = new StringBuilder();
    for (CheckResult r : results) {
      switch (r.status()) {
        case EXCLUDED -> body.append("[+]").append(r.name()).append(" excluded: ok\n");
        case OK -> body.append("[+]").append(r.name()).append(" ok\n");
        case FAILED -> body.append("[-]").append(r.name()).append(" failed: reason withheld\n");
      }
    }
    if (!unknownExcludes.isEmpty()) {
      body.append("warn: some health checks cannot be excluded: no matches for ");
      body.append(String.join(",", unknownExcludes.stream().map(n -> "\"" + n + "\"").toList()));
      body.append('\n');
    }
    body.append(failed ? "healthz check failed\n" : "healthz check passed\n");
    return body.toString();
  }

  private static void respond(HttpServerResponse response, int status, String body) {
    if (response.closed()) {
      return; // the prober gave up (its own timeout) while checks ran
    }
    response.setStatusCode(status)
        .putHeader("Content-Type", CONTENT_TYPE)
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(body);
  }

  private static Context context() {
    return Vertx.currentContext();
  }
}
