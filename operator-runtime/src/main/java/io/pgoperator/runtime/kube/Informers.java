package io.pgoperator.runtime.kube;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Helpers for the fabric8 informers the runtime runs beside its controllers' sources. */
public final class Informers {

  private static final Logger LOG = LoggerFactory.getLogger(Informers.class);

  private Informers() {}

  /**
   * Stops {@code informer} (null: nothing to stop). Stopping closes its watch connection, so on a
   * Vert.x context it happens on a worker, never on the event loop. Never fails; {@code what}
   * names the informer in the debug line when stopping does.
   */
  public static Future<Void> stop(SharedIndexInformer<?> informer, String what) {
    if (informer == null) {
      return Future.succeededFuture();
    }
    Context context = Vertx.currentContext();
    if (context == null) {
      informer.stop();
      return Future.succeededFuture();
    }
    return context.<Void>executeBlocking(() -> {
      informer.stop();
      return null;
    }, false).recover(error -> {
      LOG.debug("stopping the {} failed: {}", what, error.toString());
      return Future.succeededFuture();
    });
  }
}
