package io.pgoperator.runtime.kube;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.pgoperator.runtime.leader.LeaderTerm;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The write client's last check: every HTTP request it sends that can change something (any
 * method but GET), first attempt or any repeat, leaves only while the term of the write that sends
 * it is valid, and is abandoned (its connection reset) when that term's deadline passes: its
 * timeout is the time left in the term, or the write timeout if that is shorter. {@link
 * KubeCalls#write} names the term for the worker thread that runs the call; a request sent from
 * anywhere else (a repeat scheduled by the client on another thread, say after a token refresh)
 * has no term and is refused: the reconcile retries it, under a term checked again.
 */
final class FencingInterceptor implements Interceptor {

  static final String NAME = "pg-operator-fencing";

  private static final ThreadLocal<LeaderTerm> TERM = new ThreadLocal<>();

  private final long writeTimeoutNanos;

  FencingInterceptor(Duration writeTimeout) {
    this.writeTimeoutNanos = writeTimeout.toNanos();
  }

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
    if ("GET".equals(request.method())) {
      return; // a read changes nothing: it needs no term (KubeCalls#keepWarm reads through this client)
    }
    LeaderTerm term = TERM.get();
    if (term == null || !term.isValid()) {
      throw new FencedWriteException("refused to send " + request.method() + " " + request.uri().getPath() + ": "
          + (term == null ? "no leadership term on this thread (a repeat the client scheduled)"
              : "leadership " + term + " ended before the request left"));
    }
    if (builder instanceof HttpRequest.Builder timed) {
      long timeout = Math.min(writeTimeoutNanos, term.remainingNanos());
      timed.timeout(Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeout)), TimeUnit.MILLISECONDS);
    }
  }
}
