package io.pgoperator.runtime.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves {@code GET /metrics} on the metrics address. A disabled address ({@code 0}) starts nothing. */
public final class MetricsServer extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

  private final BindAddress address;
  private final PrometheusMeterRegistry registry;
  private volatile int actualPort = -1;
  private HttpServer server;

  public MetricsServer(BindAddress address, PrometheusMeterRegistry registry) {
    this.address = Objects.requireNonNull(address, "address");
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public Future<?> start() {
    if (address.isDisabled()) {
      LOG.info("metrics server disabled (bind address 0)");
      return Future.succeededFuture();
    }
    Router router = Router.router(vertx);
    MetricsRoutes.mount(vertx, router, registry);
    return Listener.listen(vertx, router, address, "metrics").onSuccess(s -> {
      server = s;
      actualPort = s.actualPort();
      LOG.info("serving metrics on {}:{}{}", address.host(), actualPort, MetricsRoutes.PATH);
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
