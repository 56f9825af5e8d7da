package io.pgoperator.runtime.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pgoperator.runtime.health.HealthChecks;
import io.pgoperator.runtime.health.HealthRoutes;
import io.pgoperator.runtime.time.VertxClock;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /healthz} and {@code /readyz} (and their {@code /<name>} sub-paths) on the
 * probe address; with {@link #withMetrics} also {@code /metrics}, for when the metrics address
 * is the same one. A disabled address ({@code 0}) starts nothing.
 */
public final class ProbeServer extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ProbeServer.class);

  private final BindAddress address;
  private final HealthChecks healthz;
  private final HealthChecks readyz;
  private final Duration checkTimeout;
  private final PrometheusMeterRegistry metrics;
  private volatile int actualPort = -1;
  private HttpServer server;

  public ProbeServer(BindAddress address, HealthChecks healthz, HealthChecks readyz) {
    this(address, healthz, readyz, HealthRoutes.DEFAULT_CHECK_TIMEOUT, null);
  }

  public ProbeServer(BindAddress address, HealthChecks healthz, HealthChecks readyz,
      Duration checkTimeout) {
    this(address, healthz, readyz, checkTimeout, null);
  }

  private ProbeServer(BindAddress address, HealthChecks healthz, HealthChecks readyz,
      Duration checkTimeout, PrometheusMeterRegistry metrics) {
    this.address = Objects.requireNonNull(address, "address");
    this.healthz = Objects.requireNonNull(healthz, "healthz");
    this.readyz = Objects.requireNonNull(readyz, "readyz");
    this.checkTimeout = Objects.requireNonNull(checkTimeout, "checkTimeout");
    this.metrics = metrics;
  }

  /** The same server, also answering {@code GET /metrics} from {@code registry}. */
  public ProbeServer withMetrics(PrometheusMeterRegistry registry) {
    return new ProbeServer(address, healthz, readyz, checkTimeout,
        Objects.requireNonNull(registry, "registry"));
  }

  @Override
  public Future<?> start() {
    if (address.isDisabled()) {
      LOG.info("health probe server disabled (bind address 0)");
      return Future.succeededFuture();
    }
    Router router = Router.router(vertx);
    HealthRoutes health = new HealthRoutes(new VertxClock(vertx), checkTimeout);
    health.mount(router, "/healthz", healthz);
    health.mount(router, "/readyz", readyz);
    if (metrics != null) {
      MetricsRoutes.mount(vertx, router, metrics);
    }
    String what = metrics != null ? "health probes and metrics" : "health probes";
    return Listener.listen(vertx, router, address, what).onSuccess(s -> {
      server = s;
      actualPort = s.actualPort();
      LOG.info("serving {} on {}:{}", what, address.host(), actualPort);
    });
  }

  @Override
  public Future<?> stop() {
    return server != null ? server.close() : Future.succeededFuture();
  }

  /** The port listened on once started (useful with port 0); -1 if disabled or not started. */
  public int actualPort() {
    return actualPort;
  }
}
