package io.pgoperator.runtime.kube;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.pgoperator.runtime.leader.LeaderTerm;

/**
 * The write client's last check: every HTTP request it sends, first attempt or any repeat, leaves
 * only while the term of the write that sends it is valid. {@link KubeCalls#write} names that term
 * for the worker thread that runs the call; a request sent from anywhere else (a repeat scheduled
 * by the client on another thread, say after a token refresh) has no term and is refused: the
 * reconcile retries it, under a term checked again.
 */
final class FencingInterceptor implements Interceptor {

  static final String NAME = "pg-operator-fencing";

  private static final ThreadLocal<LeaderTerm> TERM = new ThreadLocal<>();

  /** Runs {@code call} with {@code term} fencing the requests it sends from this thread. */
  static <T> T under(LeaderTerm term, java.util.function.Supplier<T> call) {
    TERM.set(term);
    try {
      return call.get();
    } finally {
      TERM.remove();
    }
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, Interceptor.RequestTags tags) {
    LeaderTerm term = TERM.get();
    if (term == null || !term.isValid()) {
      throw new FencedWriteException("refused to send " + request.method() + " " + request.uri().getPath() + ": "
          + (term == null ? "no leadership term on this thread (a repeat the client scheduled)"
              : "leadership " + term + " ended before the request left"));
    }
  }
}
