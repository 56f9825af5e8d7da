package io.pgoperator.runtime.testing.faults;

import io.fabric8.kubernetes.client.Config;
import io.pgoperator.runtime.testing.BlockedThreadWatch;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TLS proxy between operator processes and a real kube-apiserver that injects faults on demand:
 * delays, error answers, resets, black holes, and a full outage. Tests of leader election,
 * fencing and retries need the network to fail in precise, repeatable ways; the proxy does that
 * per caller and per {@link RequestClass} while the API server itself stays healthy, and keeps a
 * {@link #log()} of what each request went through so tests count retries and measure delays
 * from the proxy's clock instead of the client's.
 *
 * <p>Callers keep their identity: a client's {@code Authorization: Bearer} header is forwarded
 * unchanged, so the API server authenticates, authorises and audits the caller, not the proxy. A
 * request without a token goes upstream with the admin client certificate of the upstream
 * {@link Config}, so plain envtest configs work through the proxy too.
 *
 * <p>The proxy runs on a Vert.x instance of its own, on a single event loop; nothing in it
 * blocks that loop (its blocked-thread checker runs at a tight limit: {@link
 * #assertEventLoopNeverBlocked()}). Faults and the outage switch are set from any thread and
 * apply to requests arriving afterwards; {@link #clear()} and {@link #outage(boolean)} act on the
 * requests in flight before they return. Responses, watches included, are streamed, never
 * buffered; connection upgrades (fabric8 watches use WebSocket) become byte tunnels once the API
 * server has switched protocols.
 */
public final class FaultProxy implements AutoCloseable {

  /** The caller of requests without a bearer token. */
  public static final String ADMIN = "admin";
  /** The caller of requests whose bearer token was not {@linkplain #name named}. */
  public static final String OTHER = "other";

  private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);
  private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(30);
  /** Per-connection headers (RFC 9110 section 7.6.1) and those the proxy sets itself. */
  private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection",
      "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host",
      "content-length", "expect");

  private final Vertx vertx;
  private final BlockedThreadWatch blockedThreads;
  private final Context context;
  private final ThrowawayCa ca;
  private final String upstreamHost;
  private final int upstreamPort;
  private final HttpClientAgent tokenClient;
  private final HttpClientAgent adminClient;
  private final HttpServer server;

  private final Map<String, String> callers = new ConcurrentHashMap<>();
  /** Newest first: a later injection overrides an earlier one for the requests both select. */
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final Queue<Entry> log = new ConcurrentLinkedQueue<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile boolean outage;
  /** Seconds the API server is asked to keep each forwarded watch open; 0: as the client asked. */
  private volatile long watchTimeoutSeconds;

  // Touched on the proxy's event loop only.
  private final Set<HttpConnection> connections = new HashSet<>();
  private final Set<Exchange> exchanges = new HashSet<>();

  private record Rule(Selector selector, Fault fault) {}

  private FaultProxy(Vertx vertx, Config upstream, ThrowawayCa ca) {
    this.vertx = vertx;
    this.blockedThreads = BlockedThreadWatch.attach(vertx);
    this.context = vertx.getOrCreateContext();
    this.ca = ca;
    URI url = URI.create(upstream.getMasterUrl());
    if (!"https".equalsIgnoreCase(url.getScheme())) {
      throw new IllegalArgumentException("the upstream API server must be https, not " + url);
    }
    this.upstreamHost = url.getHost();
    this.upstreamPort = url.getPort() == -1 ? 443 : url.getPort();

    HttpClientOptions tls = new HttpClientOptions().setSsl(true).setVerifyHost(true).setKeepAlive(true)
        .setTrustOptions(new PemTrustOptions().addCertValue(pem(upstream.getCaCertData(), upstream.getCaCertFile(),
            "CA certificate")));
    // Watches hold a connection each: the pool must not make later requests queue behind them.
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(512);
    this.tokenClient = vertx.createHttpClient(new HttpClientOptions(tls), pool);
    this.adminClient = vertx.createHttpClient(new HttpClientOptions(tls).setKeyCertOptions(new PemKeyCertOptions()
        .setCertValue(pem(upstream.getClientCertData(), upstream.getClientCertFile(), "client certificate"))
        .setKeyValue(pem(upstream.getClientKeyData(), upstream.getClientKeyFile(), "client key"))), pool);

    this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
        .setHandle100ContinueAutomatically(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(ca.serverCertificatePem()))
            .setKeyValue(Buffer.buffer(ca.serverKeyPem()))));
    server.connectionHandler(this::connected).requestHandler(this::handle)
        .exceptionHandler(e -> LOG.debug("fault proxy connection failed", e));
    onLoopAsync(server::listen);
  }

  /**
   * Starts a proxy in front of the API server that {@code upstream} names (https; its CA, and its
   * client certificate for callers without a token).
   */
  public static FaultProxy start(Config upstream) {
    ThrowawayCa ca = ThrowawayCa.create();
    Vertx vertx = Vertx.vertx(BlockedThreadWatch.tightOptions());
    try {
      return new FaultProxy(vertx, upstream, ca);
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  /** The proxy's URL, {@code https://127.0.0.1:<port>}. */
  public String url() {
    return "https://127.0.0.1:" + server.actualPort();
  }

  /** The PEM certificate of the CA that issued the proxy's server certificate, for clients to trust. */
  public String caCertificatePem() {
    return ca.caCertificatePem();
  }

  /**
   * A client config for the proxy: its URL, its CA, and {@code token} as the bearer token (null:
   * none, so the proxy calls upstream as the admin). Other settings are fabric8's defaults; a test
   * changes them on the returned config (e.g. {@code setRequestRetryBackoffLimit(0)}).
   */
  public Config clientConfig(String token) {
    Config config = Config.empty();
    config.setMasterUrl(url());
    config.setCaCertData(Base64.getEncoder().encodeToString(caCertificatePem().getBytes(StandardCharsets.US_ASCII)));
    config.setOauthToken(token);
    return config;
  }

  /** Names the caller that presents {@code token}, for {@link Selector}s and the {@link #log()}. */
  public FaultProxy name(String token, String caller) {
    callers.put(token, caller);
    return this;
  }

  /**
   * Applies {@code fault} to the requests {@code selector} matches that arrive from now on,
   * overriding earlier injections for the requests both select; until {@link #clear()}.
   */
  public FaultProxy inject(Selector selector, Fault fault) {
    rules.add(0, new Rule(selector, fault));
    return this;
  }

  /**
   * Lifts every fault: new requests pass untouched, and requests held by a black hole are reset
   * (never forwarded) before this returns. Delays already under way run their course.
   */
  public FaultProxy clear() {
    rules.clear();
    onLoop(() -> List.copyOf(exchanges).stream().filter(e -> e.held).forEach(Exchange::cut));
    return this;
  }

  /**
   * Switches a full outage on or off. On: every request in flight and every open stream (watches
   * included) is cut before this returns, and new connections are closed as soon as they are
   * accepted, until it is switched off.
   */
  public FaultProxy outage(boolean on) {
    outage = on;
    if (on) {
      onLoop(() -> {
        List.copyOf(exchanges).forEach(Exchange::cut);
        List.copyOf(connections).forEach(HttpConnection::close);
      });
    }
    return this;
  }

  /**
   * Makes the API server end every watch forwarded from now on after {@code timeout} (whole
   * seconds, at least one), by lowering the watch's {@code timeoutSeconds}: a clean end of the
   * stream, as at the end of any watch's timeout, after which the client opens the next watch from
   * the last resource version it saw. {@link Duration#ZERO} forwards watches as asked again.
   */
  public FaultProxy watchTimeout(Duration timeout) {
    if (timeout.isNegative() || (!timeout.isZero() && timeout.toSeconds() < 1)) {
      throw new IllegalArgumentException("a watch timeout is whole seconds, at least 1 (or zero for none): " + timeout);
    }
    watchTimeoutSeconds = timeout.toSeconds();
    return this;
  }

  /** What happened to every request so far, oldest first. */
  public List<ProxyRecord> log() {
    return log.stream().map(Entry::snapshot).toList();
  }

  /** Fails when anything blocked the proxy's event loop (a fault of the proxy, not of the test). */
  public void assertEventLoopNeverBlocked() {
    blockedThreads.assertNoneBlocked();
  }

  /** Cuts everything in flight and stops the proxy's Vert.x instance. */
  @Override
  public void close() {
    outage(true);
    await(vertx.close(), "closing the fault proxy");
  }

  private void connected(HttpConnection connection) {
    if (outage) {
      connection.close();
      return;
    }
    connections.add(connection);
    connection.closeHandler(v -> connections.remove(connection));
    connection.exceptionHandler(e -> LOG.debug("fault proxy connection failed", e));
  }

  private void handle(HttpServerRequest request) {
    Entry entry = new Entry(ids.incrementAndGet(), caller(request),
        RequestClass.of(request.method().name(), request.path(), request.query()), request);
    log.add(entry);
    Exchange exchange = new Exchange(request, entry);
    if (outage) {
      entry.fault = "outage";
      exchange.cut();
      return;
    }
    request.pause();
    exchanges.add(exchange);
    request.response().closeHandler(v -> exchange.cut());
    Fault fault = faultFor(entry.caller, entry.requestClass);
    if (fault == null) {
      forward(exchange, Duration.ZERO);
      return;
    }
    entry.fault = fault.name();
    switch (fault.kind()) {
      case DELAY -> exchange.timer = vertx.setTimer(fault.duration().toMillis(), id -> {
        exchange.timer = -1;
        forward(exchange, Duration.ZERO);
      });
      case DELAY_RESPONSE -> forward(exchange, fault.duration());
      case STATUS -> answer(exchange, fault.code(), "injected by the fault proxy");
      case RESET -> exchange.cut();
      case BLACKHOLE -> exchange.held = true;
      default -> throw new IllegalStateException("unknown fault " + fault);
    }
  }

  private String caller(HttpServerRequest request) {
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization == null) {
      return ADMIN;
    }
    if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return callers.getOrDefault(authorization.substring(7).trim(), OTHER);
    }
    return OTHER;
  }

  private Fault faultFor(String caller, RequestClass requestClass) {
    return rules.stream().filter(rule -> rule.selector().matches(caller, requestClass)).map(Rule::fault)
        .findFirst().orElse(null);
  }

  /** Sends the request upstream, then relays the answer, after {@code holdAnswer} if positive. */
  private void forward(Exchange exchange, Duration holdAnswer) {
    if (exchange.done) {
      return;
    }
    HttpServerRequest in = exchange.request;
    if (isUpgrade(in)) {
      forwardUpgrade(exchange, holdAnswer);
      return;
    }
    RequestOptions options = new RequestOptions().setMethod(in.method()).setHost(upstreamHost).setPort(upstreamPort)
        .setURI(upstreamUri(exchange)).setHeaders(forwardedHeaders(in.headers()));
    String length = in.getHeader(HttpHeaders.CONTENT_LENGTH);
    String encoding = in.getHeader(HttpHeaders.TRANSFER_ENCODING);
    if (length != null) {
      options.putHeader(HttpHeaders.CONTENT_LENGTH, length);
    } else if (encoding == null || !encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
      options.putHeader(HttpHeaders.CONTENT_LENGTH, "0"); // no body; else send() would chunk an empty one
    }
    HttpClientAgent client = in.getHeader(HttpHeaders.AUTHORIZATION) != null ? tokenClient : adminClient;
    client.request(options).compose(out -> {
      out.exceptionHandler(e -> LOG.debug("fault proxy: upstream request failed", e));
      if (exchange.done) {
        out.reset();
        return Future.failedFuture("cut before it was forwarded");
      }
      exchange.upstream = out;
      exchange.entry.forwarded = Instant.now();
      return out.send(in);
    }).onComplete(result -> {
      if (exchange.done) {
        if (result.succeeded()) {
          result.result().request().reset();
        }
      } else if (result.failed()) {
        LOG.debug("fault proxy: upstream failed for {}", exchange.entry.snapshot(), result.cause());
        if (in.isEnded()) {
          answer(exchange, 502, "the fault proxy could not reach the API server: " + result.cause());
        } else {
          exchange.cut();
        }
      } else if (holdAnswer.isZero()) {
        relay(exchange, result.result());
      } else {
        HttpClientResponse answer = result.result();
        answer.pause();
        exchange.timer = vertx.setTimer(holdAnswer.toMillis(), id -> {
          exchange.timer = -1;
          relay(exchange, answer);
        });
      }
    });
  }

  /**
   * Forwards a connection upgrade (fabric8 watches over WebSocket, exec, port-forward) with its
   * upgrade headers; on {@code 101 Switching Protocols} (after {@code holdAnswer} if positive)
   * the caller's connection and the upstream one become a byte tunnel, which faults and outages
   * cut like any exchange. Any other answer is relayed as usual.
   */
  private void forwardUpgrade(Exchange exchange, Duration holdAnswer) {
    HttpServerRequest in = exchange.request;
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(in.headers()).remove(HttpHeaders.HOST);
    RequestOptions options = new RequestOptions().setMethod(in.method()).setHost(upstreamHost).setPort(upstreamPort)
        .setURI(upstreamUri(exchange)).setHeaders(headers);
    HttpClientAgent client = in.getHeader(HttpHeaders.AUTHORIZATION) != null ? tokenClient : adminClient;
    client.request(options).compose(out -> {
      out.exceptionHandler(e -> LOG.debug("fault proxy: upstream upgrade failed", e));
      if (exchange.done) {
        out.reset();
        return Future.failedFuture("cut before it was forwarded");
      }
      exchange.upstream = out;
      exchange.entry.forwarded = Instant.now();
      in.resume(); // an upgrade request has no body
      return out.connect();
    }).onComplete(result -> {
      if (result.succeeded() && result.result().statusCode() == 101) {
        result.result().netSocket().pause(); // nothing may be lost while the answer is held
      }
      if (exchange.done) {
        if (result.succeeded()) {
          close(result.result());
        }
      } else if (result.failed()) {
        LOG.debug("fault proxy: upstream failed for {}", exchange.entry.snapshot(), result.cause());
        exchange.cut();
      } else if (holdAnswer.isZero()) {
        answerUpgrade(exchange, result.result());
      } else {
        HttpClientResponse answer = result.result();
        answer.pause();
        exchange.timer = vertx.setTimer(holdAnswer.toMillis(), id -> {
          exchange.timer = -1;
          answerUpgrade(exchange, answer);
        });
      }
    });
  }

  private void answerUpgrade(Exchange exchange, HttpClientResponse answer) {
    if (answer.statusCode() != 101) {
      relay(exchange, answer);
      return;
    }
    if (exchange.done) {
      close(answer);
      return;
    }
    NetSocket upstream = answer.netSocket();
    exchange.upstreamSocket = upstream;
    HttpServerResponse out = exchange.request.response().setStatusCode(101);
    out.headers().addAll(answer.headers()); // Upgrade, Connection, Sec-WebSocket-Accept and -Protocol
    exchange.entry.status = 101;
    exchange.request.toNetSocket().onComplete(result -> {
      if (result.failed() || exchange.done) {
        if (result.succeeded()) {
          result.result().close();
        }
        exchange.cut();
        return;
      }
      NetSocket caller = result.result();
      exchange.callerSocket = caller;
      caller.handler(upstream::write).closeHandler(v -> exchange.cut());
      upstream.handler(caller::write).closeHandler(v -> exchange.cut());
      upstream.resume();
    });
  }

  private static void close(HttpClientResponse answer) {
    if (answer.statusCode() == 101) {
      answer.netSocket().close();
    } else {
      answer.request().reset();
    }
  }

  /** The request's URI, with a watch's {@code timeoutSeconds} lowered when {@link #watchTimeout} asks. */
  private String upstreamUri(Exchange exchange) {
    String uri = exchange.request.uri();
    long timeout = watchTimeoutSeconds;
    if (timeout == 0 || exchange.entry.requestClass != RequestClass.WATCH) {
      return uri;
    }
    String withoutTimeout = uri.replaceAll("([?&])timeoutSeconds=\\d+&?", "$1").replaceAll("[?&]$", "");
    return withoutTimeout + (withoutTimeout.contains("?") ? "&" : "?") + "timeoutSeconds=" + timeout;
  }

  private static boolean isUpgrade(HttpServerRequest request) {
    String connection = request.getHeader(HttpHeaders.CONNECTION);
    return request.getHeader(HttpHeaders.UPGRADE) != null && connection != null
        && connection.toLowerCase(Locale.ROOT).contains("upgrade");
  }

  /** Streams the upstream answer to the caller: status, headers, then the body as it comes. */
  private void relay(Exchange exchange, HttpClientResponse answer) {
    if (exchange.done) {
      answer.request().reset();
      return;
    }
    HttpServerResponse out = exchange.request.response();
    out.setStatusCode(answer.statusCode()).setStatusMessage(answer.statusMessage());
    out.headers().addAll(forwardedHeaders(answer.headers()));
    String length = answer.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      out.putHeader(HttpHeaders.CONTENT_LENGTH, length);
    } else if (hasBody(exchange.request.method(), answer.statusCode())) {
      out.setChunked(true);
      out.writeHead(); // a watch's head comes long before its first event, and clients wait for it
    }
    exchange.entry.status = answer.statusCode();
    answer.pipe().endOnFailure(false).to(out).onComplete(piped -> {
      if (piped.succeeded()) {
        exchange.finish();
      } else {
        exchange.cut();
      }
    });
  }

  /** Answers at once with {@code code} and a Kubernetes {@code Status} body, after reading the request's body. */
  private void answer(Exchange exchange, int code, String message) {
    HttpServerRequest in = exchange.request;
    Future<?> read = in.isEnded() ? Future.succeededFuture() : in.body();
    in.resume();
    read.onComplete(ignored -> {
      if (exchange.done) {
        return;
      }
      HttpServerResponse out = in.response().setStatusCode(code).putHeader(HttpHeaders.CONTENT_TYPE,
          "application/json");
      if (code == 429 || code == 503) {
        out.putHeader("Retry-After", "1");
      }
      exchange.entry.status = code;
      out.end(statusBody(code, message)).onComplete(ended -> {
        if (ended.succeeded()) {
          exchange.finish();
        } else {
          exchange.cut();
        }
      });
    });
  }

  private static String statusBody(int code, String message) {
    String reason = switch (code) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 409 -> "Conflict";
      case 410 -> "Expired";
      case 422 -> "Invalid";
      case 429 -> "TooManyRequests";
      case 504 -> "Timeout";
      case 503 -> "ServiceUnavailable";
      default -> code >= 500 ? "InternalError" : "";
    };
    return new JsonObject().put("kind", "Status").put("apiVersion", "v1").put("metadata", new JsonObject())
        .put("status", "Failure").put("message", message + " (" + code + ")").put("reason", reason)
        .put("code", code).encode();
  }

  private static boolean hasBody(HttpMethod method, int status) {
    return method != HttpMethod.HEAD && status != 204 && status != 304 && status >= 200;
  }

  private static MultiMap forwardedHeaders(MultiMap headers) {
    Set<String> perConnection = new HashSet<>(NOT_FORWARDED);
    for (String value : headers.getAll(HttpHeaders.CONNECTION)) {
      for (String name : value.split(",")) {
        perConnection.add(name.trim().toLowerCase(Locale.ROOT));
      }
    }
    MultiMap forwarded = MultiMap.caseInsensitiveMultiMap();
    headers.forEach((name, value) -> {
      if (!perConnection.contains(name.toLowerCase(Locale.ROOT))) {
        forwarded.add(name, value);
      }
    });
    return forwarded;
  }

  /** Runs {@code action} on the proxy's event loop and, unless called from a Vert.x thread, waits for it. */
  private void onLoopAsync(Supplier<Future<?>> action) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      try {
        action.get().onComplete(result -> done.handle(result.mapEmpty()));
      } catch (RuntimeException e) {
        done.fail(e);
      }
    });
    if (!Context.isOnVertxThread()) {
      await(done.future(), "the fault proxy's event loop");
    }
  }

  private void onLoop(Runnable action) {
    onLoopAsync(() -> {
      action.run();
      return Future.succeededFuture();
    });
  }

  private static void await(Future<?> future, String what) {
    try {
      future.await(CONTROL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out after " + CONTROL_TIMEOUT + ": " + what, e);
    }
  }

  private static Buffer pem(String base64Data, String file, String what) {
    if (base64Data != null && !base64Data.isBlank()) {
      return Buffer.buffer(Base64.getMimeDecoder().decode(base64Data));
    }
    if (file != null) {
      try {
        return Buffer.buffer(Files.readAllBytes(Path.of(file)));
      } catch (IOException e) {
        throw new UncheckedIOException("could not read the upstream " + what + " " + file, e);
      }
    }
    throw new IllegalArgumentException("the upstream config has no " + what);
  }

  /** One request on its way through the proxy; touched on the event loop only. */
  private final class Exchange {

    final HttpServerRequest request;
    final Entry entry;
    HttpClientRequest upstream;
    NetSocket upstreamSocket;
    NetSocket callerSocket;
    long timer = -1;
    boolean held;
    boolean done;

    Exchange(HttpServerRequest request, Entry entry) {
      this.request = request;
      this.entry = entry;
    }

    /** The answer went out whole. */
    void finish() {
      end();
    }

    /** Ends the exchange without (the rest of) an answer: the caller's connection is closed, the upstream request reset. */
    void cut() {
      if (done) {
        return;
      }
      end();
      if (upstreamSocket != null) {
        upstreamSocket.close();
      } else if (upstream != null) {
        upstream.reset();
      }
      if (callerSocket != null) {
        callerSocket.close();
      } else {
        request.connection().close();
      }
    }

    private void end() {
      if (done) {
        return;
      }
      done = true;
      held = false;
      if (timer != -1) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
      exchanges.remove(this);
      entry.answered = Instant.now();
    }
  }

  /** A request's line in the log: written on the event loop, read from test threads. */
  private static final class Entry {

    final long id;
    final String caller;
    final RequestClass requestClass;
    final String method;
    final String path;
    final String query;
    final Instant received = Instant.now();
    volatile Instant forwarded;
    volatile Instant answered;
    volatile Integer status;
    volatile String fault;

    Entry(long id, String caller, RequestClass requestClass, HttpServerRequest request) {
      this.id = id;
      this.caller = caller;
      this.requestClass = requestClass;
      this.method = request.method().name();
      this.path = request.path();
      this.query = request.query();
    }

    ProxyRecord snapshot() {
      return new ProxyRecord(id, caller, requestClass, method, path, query, received, forwarded, answered, status,
          fault);
    }
  }
}
