package io.pgoperator.runtime.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

/** Starts an HTTP server for a router on a bind address, with an error that names both. */
final class Listener {

  private Listener() {}

  static Future<HttpServer> listen(Vertx vertx, Router router, BindAddress address, String what) {
    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(address.port(), address.host())
        .recover(e -> Future.failedFuture(new IllegalStateException("cannot serve " + what
            + " on " + address + ": " + e.getMessage()
            + " (is the port taken, or the host not an address of this machine?)", e)));
  }
}
