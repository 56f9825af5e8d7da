package io.pgoperator.runtime.http;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Blocking HTTP calls for tests (called from the test thread, never from an event loop), with the
 * JDK's client: these tests are about the server, and a Vert.x client on the server's own Vert.x
 * was seen to leave a request unanswered now and then in a fresh JVM (even without keep-alive;
 * cf. eclipse-vertx/vert.x#5663).
 */
public final class TestHttp {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  public record Reply(int status, MultiMap headers, String body) {
    public String header(String name) {
      return headers.get(name);
    }
  }

  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(TIMEOUT)
      .build();
  private final int port;

  /** @param vertx the server's Vert.x (kept for callers; the requests do not use it) */
  public TestHttp(Vertx vertx, int port) {
    this.port = port;
  }

  public Reply get(String uri) {
    return send(HttpMethod.GET, uri, null);
  }

  public Reply send(HttpMethod method, String uri, String accept) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + uri))
        .timeout(TIMEOUT)
        .method(method.name(), HttpRequest.BodyPublishers.noBody());
    if (accept != null) {
      request.header("Accept", accept);
    }
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      response.headers().map().forEach(headers::add);
      return new Reply(response.statusCode(), headers, response.body());
    } catch (IOException e) {
      throw new AssertionError(method + " " + uri + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Waits for a future with a generous deadline, so a bug fails the test instead of hanging it. */
  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("future did not complete successfully", e);
    }
  }
}
