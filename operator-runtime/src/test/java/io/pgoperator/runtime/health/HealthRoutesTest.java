package io.pgoperator.runtime.health;

import static io.pgoperator.runtime.http.TestHttp.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.runtime.http.TestHttp;
import io.pgoperator.runtime.http.TestHttp.Reply;
import io.pgoperator.runtime.time.FakeClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class HealthRoutesTest {

  private final FakeClock clock = new FakeClock();
  private final HealthChecks checks = new HealthChecks();
  private Vertx vertx;
  private TestHttp http;

  @BeforeEach
  void serve(Vertx vertx) {
    this.vertx = vertx;
    Router router = Router.router(vertx);
    new HealthRoutes(clock, Duration.ofSeconds(5)).mount(router, "/healthz", checks);
    int port = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"))
        .actualPort();
    http = new TestHttp(vertx, port);
  }

  @Test
  void allChecksPassingAnswersOk() {
    checks.add("informer-sync", HealthCheck.of(() -> true, "not synced"));

    Reply reply = http.get("/healthz");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("ok");
    assertThat(reply.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
    assertThat(reply.header("X-Content-Type-Options")).isEqualTo("nosniff");
  }

  @Test
  void verboseListsEveryCheckInNameOrder() {
    checks.add("zeta", HealthCheck.PING);
    checks.add("alpha", HealthCheck.PING);

    Reply reply = http.get("/healthz?verbose");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body())
        .isEqualTo("[+]alpha ok\n[+]ping ok\n[+]zeta ok\nhealthz check passed\n");
    assertThat(http.get("/healthz?verbose=false").body()).endsWith("healthz check passed\n");
  }

  @Test
  void failingCheckAnswers503AndListsChecksWithoutTheReason() {
    checks.add("informer-sync", HealthCheck.of(() -> false, "pods cache not synced"));

    Reply reply = http.get("/healthz");

    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.body()).isEqualTo(
        "[-]informer-sync failed: reason withheld\n[+]ping ok\nhealthz check failed\n");
    assertThat(reply.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
  }

  @Test
  void checkThatRecoversTurnsTheEndpointHealthyAgain() {
    AtomicBoolean synced = new AtomicBoolean(false);
    checks.add("informer-sync", HealthCheck.of(synced::get, "not synced"));
    assertThat(http.get("/healthz").status()).isEqualTo(503);

    synced.set(true);

    assertThat(http.get("/healthz").status()).isEqualTo(200);
  }

  @Test
  void perCheckPathRunsOnlyThatCheckAndShowsItsReason() {
    checks.add("informer-sync", HealthCheck.of(() -> false, "pods cache not synced"));

    Reply ping = http.get("/healthz/ping");
    Reply failing = http.get("/healthz/informer-sync");

    assertThat(ping.status()).isEqualTo(200);
    assertThat(ping.body()).isEqualTo("ok");
    assertThat(failing.status()).isEqualTo(503);
    assertThat(failing.body()).isEqualTo("internal server error: pods cache not synced\n");
    assertThat(failing.header("X-Content-Type-Options")).isEqualTo("nosniff");
  }

  @Test
  void unknownCheckIsNotFound() {
    Reply reply = http.get("/healthz/no-such-check");

    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.body()).contains("no-such-check");
  }

  @Test
  void hungCheckTimesOutInsteadOfHangingTheProbe() {
    checks.add("hung", () -> {
      // Once the handler has armed its timers, move time past the timeout on the same loop.
      vertx.runOnContext(v -> clock.advance(Duration.ofSeconds(5)));
      return Promise.<Void>promise().future();
    });

    Reply aggregated = http.get("/healthz?verbose");
    Reply single = http.get("/healthz/hung");

    assertThat(aggregated.status()).isEqualTo(503);
    assertThat(aggregated.body())
        .isEqualTo("[-]hung failed: reason withheld\n[+]ping ok\nhealthz check failed\n");
    assertThat(single.status()).isEqualTo(503);
    assertThat(single.body()).isEqualTo("internal server error: timed out after 5000ms\n");
  }

  @Test
  void checkCompletedLaterOnAnotherThreadCounts() {
    checks.add("worker", () -> vertx.executeBlocking(() -> null));
    checks.add("worker-fails", () -> vertx.<Void>executeBlocking(() -> {
      throw new IllegalStateException("lease lost");
    }));

    assertThat(http.get("/healthz/worker").status()).isEqualTo(200);
    Reply failing = http.get("/healthz/worker-fails");
    assertThat(failing.status()).isEqualTo(503);
    assertThat(failing.body()).isEqualTo("internal server error: lease lost\n");
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void checkThatThrowsIsAFailureNotAServerError() {
    checks.add("broken", () -> {
      throw new IllegalStateException("bug in check");
    });
    checks.add("no-future", () -> null);

    assertThat(http.get("/healthz").status()).isEqualTo(503);
    assertThat(http.get("/healthz/broken").body()).isEqualTo("internal server error: bug in check\n");
    assertThat(http.get("/healthz/no-future").status()).isEqualTo(503);
  }

  @Test
  void excludedChecksDoNotRunAndUnknownExcludesAreReported() {
    AtomicBoolean ran = new AtomicBoolean(false);
    checks.add("informer-sync", () -> {
      ran.set(true);
      return Future.failedFuture("not synced");
    });

    Reply quiet = http.get("/healthz?exclude=informer-sync");
    Reply verbose = http.get("/healthz?exclude=informer-sync&exclude=nope&verbose");

    assertThat(quiet.status()).isEqualTo(200);
    assertThat(quiet.body()).isEqualTo("ok");
    assertThat(verbose.body()).isEqualTo("[+]informer-sync excluded: ok\n[+]ping ok\n"
        + "warn: some health checks cannot be excluded: no matches for \"nope\"\n"
        + "healthz check passed\n");
    assertThat(ran).isFalse();
  }

  @Test
  void headIsAllowedWithoutABodyAndOtherMethodsAreNot() {
    Reply head = http.send(HttpMethod.HEAD, "/healthz", null);
    Reply post = http.send(HttpMethod.POST, "/healthz", null);

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(post.status()).isEqualTo(405);
  }

  @Test
  void trailingSlashServesTheAggregate() {
    checks.add("informer-sync", HealthCheck.of(() -> false, "not synced"));

    assertThat(http.get("/healthz/").status()).isEqualTo(503);
    assertThat(http.get("/healthz/").body()).endsWith("healthz check failed\n");
  }
}
