package io.pgoperator.runtime.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.runtime.leader.LeaderTerm;
import io.pgoperator.runtime.leader.Leadership;
import io.pgoperator.runtime.reconcile.ReconcileScope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.function.Function;

/**
 * Runs blocking fabric8 calls on a named worker pool ({@value #POOL_NAME}) and returns Vert.x
 * futures completed on the caller's context. Reads always run; writes run only while the
 * leadership term they were issued under is still valid (checked on the worker, right before the
 * request leaves).
 */
public final class KubeCalls implements AutoCloseable {

  public static final String POOL_NAME = "kube-calls";

  private final KubernetesClient client;
  private final WorkerExecutor pool;
  private final Leadership leadership;

  public KubeCalls(Vertx vertx, KubernetesClient client, Leadership leadership, int poolSize) {
    this.client = client;
    this.leadership = leadership;
    this.pool = vertx.createSharedWorkerExecutor(POOL_NAME, poolSize);
  }

  public KubernetesClient client() {
    return client;
  }

  /** A blocking read (get, list). Never call fabric8 DSL methods on an event loop otherwise. */
  public <T> Future<T> read(Function<KubernetesClient, T> call) {
    return pool.executeBlocking(() -> call.apply(client), false);
  }

  /**
   * A blocking write (create, update, patch, apply, delete, status). Fenced by the term of the
   * current reconcile, or by this replica's current term when called outside a reconcile.
   *
   * @param what a short description for the error message, e.g. "apply StatefulSet ns/name"
   */
  public <T> Future<T> write(String what, Function<KubernetesClient, T> call) {
    ReconcileScope scope = ReconcileScope.current();
    LeaderTerm term = scope != null ? scope.term() : leadership.currentTerm();
    return pool.executeBlocking(() -> {
      if (term == null || !term.isValid()) {
        throw new FencedWriteException("refused to " + what + ": " + (term == null
            ? "this replica is not the leader"
            : "leadership " + term + " was lost while the reconcile ran; another replica may lead now"));
      }
      return call.apply(client);
    }, false);
  }

  @Override
  public void close() {
    pool.close();
  }
}
