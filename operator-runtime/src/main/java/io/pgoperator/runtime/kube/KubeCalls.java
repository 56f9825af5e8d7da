package io.pgoperator.runtime.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.runtime.leader.LeaderTerm;
import io.pgoperator.runtime.leader.Leadership;
import io.pgoperator.runtime.ownership.Ownership;
import io.pgoperator.runtime.ownership.SingleLeader;
import io.pgoperator.runtime.reconcile.ReconcileScope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.function.Function;

/**
 * Runs blocking fabric8 calls on a named worker pool ({@value #POOL_NAME}) and returns Vert.x
 * futures completed on the caller's context. Reads always run. Writes go through a client of their
 * own (see {@link KubeClients#createFenced}) and run only while the leadership term they were
 * issued under is valid: checked on the worker before the call, and again before every HTTP
 * request the call sends; none is repeated by the client, and each is abandoned after the write
 * timeout, so no write sent in a term reaches the API server after the term's lease margin.
 */
public final class KubeCalls implements AutoCloseable {

  public static final String POOL_NAME = "kube-calls";

  private final KubernetesClient client;
  private final KubernetesClient writes;
  private final WorkerExecutor pool;
  private final Ownership ownership;

  /**
   * @param config the API server connection {@code client} was built from
   * @param writeTimeout how long a write request may take before it is abandoned
   */
  public KubeCalls(Vertx vertx, KubernetesClient client, Config config, Duration writeTimeout,
      Leadership leadership, int poolSize) {
    this(vertx, client, config, writeTimeout, new SingleLeader(leadership), poolSize);
  }

  public KubeCalls(Vertx vertx, KubernetesClient client, Config config, Duration writeTimeout,
      Ownership ownership, int poolSize) {
    this.client = client;
    this.writes = KubeClients.createFenced(vertx, config, writeTimeout);
    this.ownership = ownership;
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
   * current reconcile (its key's slot term), or outside a reconcile by the leader's term (refused
   * when sharded: there every write belongs to a key).
   *
   * @param what a short description for the error message, e.g. "apply StatefulSet ns/name"
   */
  public <T> Future<T> write(String what, Function<KubernetesClient, T> call) {
    ReconcileScope scope = ReconcileScope.current();
    LeaderTerm term = scope != null ? scope.term() : ownership.termOutsideReconcile();
    return pool.executeBlocking(() -> {
      if (term == null || !term.isValid()) {
        throw new FencedWriteException("refused to " + what + ": " + (term == null
            ? (ownership.slots() > 1 ? "no reconcile (and so no slot term) to write under" : "this replica is not the leader")
            : "leadership " + term + " was lost while the reconcile ran; another replica may lead now"));
      }
      return FencingInterceptor.under(term, () -> call.apply(writes));
    }, false);
  }

  /**
   * {@code object} as JSON, serialized exactly as a write sends it (the write client's own
   * serializer): for warming up that path, see {@code Reconciler#warmUp}.
   */
  public String serializeForWrite(Object object) {
    return writes.getKubernetesSerialization().asJson(object);
  }

  /**
   * Opens, or keeps open, the write client's connection to the API server (TCP, TLS) with a read
   * of {@code /version}, so that the first write after a takeover does not pay for a handshake.
   * Fails when the API server does not answer; harmless either way.
   */
  public Future<Void> keepWarm() {
    return pool.executeBlocking(() -> {
      writes.getKubernetesVersion();
      return null;
    }, false);
  }

  @Override
  public void close() {
    pool.close();
    writes.close();
  }
}
