package io.pgoperator.runtime.http;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;

/** Blocking HTTP calls for tests (called from the test thread, never from an event loop). */
public final class TestHttp {

  public record Reply(int status, MultiMap headers, String body) {
    public String header(String name) {
      return headers.get(name);
    }
  }

  private final HttpClient client;
  private final int port;

  public TestHttp(Vertx vertx, int port) {
    // A connection per request: a second request on a kept-alive connection has been seen to hang
    // now and then in a fresh JVM (a Vert.x client reuse race, cf. eclipse-vertx/vert.x#5663),
    // and these tests are about the server, not about connection reuse.
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    this.port = port;
  }

  public Reply get(String uri) {
    return send(HttpMethod.GET, uri, null);
  }

  public Reply send(HttpMethod method, String uri, String accept) {
    RequestOptions options = new RequestOptions()
        .setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri);
    if (accept != null) {
      options.putHeader("Accept", accept);
    }
    Future<Reply> reply = client.request(options)
        .compose(request -> request.send())
        .compose(response -> response.body()
            .map(body -> new Reply(response.statusCode(), response.headers(), body.toString())));
    return await(reply);
  }

  /** Waits for a future with a generous deadline, so a bug fails the test instead of hanging it. */
  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("future did not complete successfully", e);
    }
  }
}
