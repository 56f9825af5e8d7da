package io.pgoperator.runtime.testing.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each fault of {@link FaultProxy} does what it says, on a real kube-apiserver, for a caller
 * that authenticates with a ServiceAccount token (so the proxy must forward it): the fault hits
 * the selected caller and request class only, the API server sees what the fault says it sees,
 * and the proxy's log tells what happened to each request.
 */
@ExtendWith(EnvtestDiagnostics.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FaultProxyIT {

  private static final String CALLER = "replica-a";
  private static final String SERVICE_ACCOUNT = "replica";

  private final Envtest server = Envtest.get();
  private final List<KubernetesClient> clients = new ArrayList<>();
  private String namespace;
  private String token;
  private FaultProxy proxy;

  @BeforeEach
  void setUp() {
    namespace = server.createNamespace("faults");
    KubernetesClient admin = server.client();
    admin.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder()
        .withNewMetadata().withName(SERVICE_ACCOUNT).endMetadata().build()).create();
    admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder()
        .withNewMetadata().withName(SERVICE_ACCOUNT + "-admin").endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("cluster-admin")
        .endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName(SERVICE_ACCOUNT).withNamespace(namespace).endSubject()
        .build()).create();
    token = admin.serviceAccounts().inNamespace(namespace).withName(SERVICE_ACCOUNT).tokenRequest(
        new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build()).getStatus().getToken();
    awaitAuthorised();
    proxy = FaultProxy.start(server.config()).name(token, CALLER);
  }

  /** RBAC reads bindings from a cache: wait (talking to the API server directly) until the new one counts. */
  private void awaitAuthorised() {
    Config direct = Config.empty();
    direct.setMasterUrl(server.config().getMasterUrl());
    direct.setCaCertData(server.config().getCaCertData());
    direct.setCaCertFile(server.config().getCaCertFile());
    direct.setOauthToken(token);
    direct.setRequestRetryBackoffLimit(0);
    KubernetesClient client = client(direct);
    Await.until("the ServiceAccount may list ConfigMaps", () -> {
      try {
        client.configMaps().inNamespace(namespace).list();
        return true;
      } catch (KubernetesClientException e) {
        return false;
      }
    });
  }

  @AfterEach
  void tearDown() {
    clients.forEach(KubernetesClient::close);
    if (proxy != null) {
      proxy.close();
      proxy.assertEventLoopNeverBlocked();
    }
  }

  @Test
  void aClientThroughTheProxyReadsWritesAndWatchesAndEachRequestIsAttributedAndClassified() {
    KubernetesClient client = client(proxied());
    List<String> events = new CopyOnWriteArrayList<>();
    Watch watch = client.configMaps().inNamespace(namespace).watch(recording(events, new CompletableFuture<>()));

    client.configMaps().inNamespace(namespace).resource(configMap("one")).create();
    assertThat(client.configMaps().inNamespace(namespace).withName("one").get().getData()).containsEntry("k", "v");
    assertThat(client.configMaps().inNamespace(namespace).list().getItems())
        .extracting(cm -> cm.getMetadata().getName()).containsExactly("one");
    Await.until("the watch through the proxy sees the ConfigMap come", () -> events.contains("ADDED one"));
    client.configMaps().inNamespace(namespace).withName("one").delete();
    Await.until("the watch through the proxy sees it go", () -> events.contains("DELETED one"));
    watch.close();

    Watch leaseWatch = client.resources(Lease.class).inNamespace(namespace).watch(recording(events,
        new CompletableFuture<>()));
    client.resources(Lease.class).inNamespace(namespace).resource(new LeaseBuilder().withNewMetadata()
        .withName("lock").endMetadata().withNewSpec().withHolderIdentity(CALLER).endSpec().build()).create();
    assertThat(client.resources(Lease.class).inNamespace(namespace).withName("lock").get().getSpec()
        .getHolderIdentity()).isEqualTo(CALLER);
    Await.until("the Lease watch through the proxy sees the Lease", () -> events.contains("ADDED lock"));
    leaseWatch.close();

    String configMaps = "/api/v1/namespaces/" + namespace + "/configmaps";
    String leases = "/apis/coordination.k8s.io/v1/namespaces/" + namespace + "/leases";
    assertThat(only("POST", configMaps, r -> true)).satisfies(r -> {
      assertThat(r.requestClass()).isEqualTo(RequestClass.WRITE);
      assertThat(r.status()).isEqualTo(201);
    });
    assertThat(only("GET", configMaps + "/one", r -> true).requestClass()).isEqualTo(RequestClass.READ);
    assertThat(only("GET", configMaps, r -> !r.isWatch()).requestClass()).isEqualTo(RequestClass.READ);
    assertThat(only("GET", configMaps, ProxyRecord::isWatch)).satisfies(r -> {
      assertThat(r.requestClass()).isEqualTo(RequestClass.WATCH);
      assertThat(r.status()).isEqualTo(101); // fabric8 watches over WebSocket
    });
    assertThat(only("DELETE", configMaps + "/one", r -> true).requestClass()).isEqualTo(RequestClass.WRITE);
    assertThat(only("POST", leases, r -> true).requestClass()).isEqualTo(RequestClass.LEASE);
    assertThat(only("GET", leases + "/lock", r -> true).requestClass()).isEqualTo(RequestClass.LEASE);
    assertThat(only("GET", leases, ProxyRecord::isWatch).requestClass()).isEqualTo(RequestClass.LEASE);
    assertThat(proxy.log()).allSatisfy(r -> {
      assertThat(r.caller()).isEqualTo(CALLER);
      assertThat(r.fault()).isNull();
      assertThat(r.wasForwarded()).isTrue();
    });
  }

  @Test
  void aWatchAsAChunkedHttpStreamIsRelayedAsItComesNotBuffered() throws Exception {
    KubernetesClient client = client(proxied());
    HttpClient http = client.getHttpClient();
    StringBuffer stream = new StringBuffer();
    String configMaps = "/api/v1/namespaces/" + namespace + "/configmaps";
    HttpResponse<AsyncBody> watching = http.consumeBytes(
        http.newHttpRequestBuilder().uri(proxy.url() + configMaps + "?watch=1").build(), (buffers, body) -> {
          buffers.forEach(buffer -> stream.append(StandardCharsets.UTF_8.decode(buffer)));
          body.consume();
        }).get(30, TimeUnit.SECONDS);
    assertThat(watching.code()).isEqualTo(200);
    watching.body().consume();

    server.client().configMaps().inNamespace(namespace).resource(configMap("streamed")).create();
    Await.until("the event arrives while the stream stays open",
        () -> stream.toString().contains("\"type\":\"ADDED\"") && stream.toString().contains("\"name\":\"streamed\""));
    assertThat(watching.body().done()).isNotDone();
    watching.body().cancel();

    assertThat(only("GET", configMaps, r -> true)).satisfies(r -> {
      assertThat(r.requestClass()).isEqualTo(RequestClass.WATCH);
      assertThat(r.status()).isEqualTo(200);
    });
  }

  @Test
  void aWatchTimeoutHasTheApiServerEndEachWatchCleanlyUntilLifted() throws Exception {
    KubernetesClient client = client(proxied());
    HttpClient http = client.getHttpClient();
    String watchUri = proxy.url() + "/api/v1/namespaces/" + namespace + "/configmaps?watch=1&timeoutSeconds=600";
    proxy.watchTimeout(Duration.ofSeconds(1));

    HttpResponse<AsyncBody> shortened = http.consumeBytes(http.newHttpRequestBuilder().uri(watchUri).build(),
        (buffers, body) -> body.consume()).get(30, TimeUnit.SECONDS);
    assertThat(shortened.code()).isEqualTo(200);
    shortened.body().consume();
    shortened.body().done().get(30, TimeUnit.SECONDS); // ends without an error, long before the 600 s asked

    proxy.watchTimeout(Duration.ZERO);
    StringBuffer stream = new StringBuffer();
    HttpResponse<AsyncBody> asked = http.consumeBytes(http.newHttpRequestBuilder().uri(watchUri).build(),
        (buffers, body) -> {
          buffers.forEach(buffer -> stream.append(StandardCharsets.UTF_8.decode(buffer)));
          body.consume();
        }).get(30, TimeUnit.SECONDS);
    asked.body().consume();
    server.client().configMaps().inNamespace(namespace).resource(configMap("after-the-timeout")).create();
    Await.until("an event on the watch forwarded as asked", () -> stream.toString().contains("after-the-timeout"));
    assertThat(asked.body().done()).as("lifted: the watch keeps its own timeout").isNotDone();
    asked.body().cancel();
    assertThatThrownBy(() -> proxy.watchTimeout(Duration.ofMillis(500))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theCallersBearerTokenReachesTheApiServerAndCallersWithoutOneActAsTheAdmin() throws Exception {
    SelfSubjectReview review = client(proxied()).resource(new SelfSubjectReviewBuilder().build()).create();
    assertThat(review.getStatus().getUserInfo().getUsername())
        .isEqualTo("system:serviceaccount:" + namespace + ":" + SERVICE_ACCOUNT);

    String admin = server.client().resource(new SelfSubjectReviewBuilder().build()).create().getStatus()
        .getUserInfo().getUsername();
    SelfSubjectReview noToken = client(proxy.clientConfig(null)).resource(new SelfSubjectReviewBuilder().build())
        .create();
    assertThat(noToken.getStatus().getUserInfo().getUsername()).isEqualTo(admin);

    Config stranger = proxy.clientConfig("not-a-token");
    stranger.setRequestRetryBackoffLimit(0);
    assertThatThrownBy(() -> client(stranger).configMaps().inNamespace(namespace).list())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(401));

    String reviews = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
    assertThat(proxy.log()).filteredOn(r -> r.path().equals(reviews)).extracting(ProxyRecord::caller)
        .containsExactlyInAnyOrder(CALLER, FaultProxy.ADMIN);
    assertThat(proxy.log()).filteredOn(r -> r.caller().equals(FaultProxy.OTHER)).isNotEmpty()
        .allSatisfy(r -> assertThat(r.status()).isEqualTo(401));
  }

  @Test
  void anInjectedStatusRefusesTheSelectedWritesOnlyUntilCleared() throws Exception {
    KubernetesClient client = client(proxied());
    proxy.inject(Selector.of(Set.of(CALLER), Set.of(RequestClass.WRITE)), Fault.status(503));

    assertThatThrownBy(() -> client.configMaps().inNamespace(namespace).resource(configMap("refused")).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(503));
    assertThat(server.client().configMaps().inNamespace(namespace).withName("refused").get()).isNull();
    assertThat(client.configMaps().inNamespace(namespace).list().getItems()).isEmpty();
    client(proxy.clientConfig(null)).configMaps().inNamespace(namespace).resource(configMap("by-admin")).create();
    ProxyRecord refused = only("POST", "/api/v1/namespaces/" + namespace + "/configmaps", r -> true);
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.fault()).isEqualTo("status(503)");
    assertThat(refused.wasForwarded()).isFalse();

    // The answer is a Kubernetes Status, with Retry-After for 429 and 503.
    proxy.inject(Selector.of(Set.of(CALLER), Set.of(RequestClass.READ)), Fault.status(429));
    HttpClient http = client.getHttpClient();
    HttpResponse<String> tooMany = http.sendAsync(http.newHttpRequestBuilder()
        .uri(proxy.url() + "/api/v1/namespaces/" + namespace + "/configmaps").build(), String.class)
        .get(30, TimeUnit.SECONDS);
    assertThat(tooMany.code()).isEqualTo(429);
    assertThat(tooMany.header("Retry-After")).isEqualTo("1");
    assertThat(tooMany.body()).contains("\"kind\":\"Status\"", "\"reason\":\"TooManyRequests\"", "\"code\":429");

    proxy.clear();
    client.configMaps().inNamespace(namespace).resource(configMap("accepted")).create();
    assertThat(server.client().configMaps().inNamespace(namespace).withName("accepted").get()).isNotNull();
  }

  @Test
  void theLogCountsHowOftenARefusedLeaseRequestWasRetried() {
    Config retrying = proxy.clientConfig(token);
    retrying.setRequestRetryBackoffLimit(2);
    retrying.setRequestRetryBackoffInterval(50);
    KubernetesClient client = client(retrying);
    proxy.inject(Selector.of(Set.of(CALLER), Set.of(RequestClass.LEASE)), Fault.status(503));

    assertThatThrownBy(() -> client.resources(Lease.class).inNamespace(namespace).withName("lock").get())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(503));

    assertThat(proxy.log()).filteredOn(r -> r.requestClass() == RequestClass.LEASE).hasSize(3)
        .allSatisfy(r -> {
          assertThat(r.status()).isEqualTo(503);
          assertThat(r.wasForwarded()).isFalse();
        });
  }

  @Test
  void aDelayedWriteIsForwardedNoSoonerThanTheDelay() {
    KubernetesClient client = client(proxied());
    proxy.inject(Selector.of(Set.of(CALLER), Set.of(RequestClass.WRITE)), Fault.delay(Duration.ofSeconds(1)));

    client.configMaps().inNamespace(namespace).resource(configMap("late")).create();
    assertThat(client.configMaps().inNamespace(namespace).withName("late").get()).isNotNull();

    String configMaps = "/api/v1/namespaces/" + namespace + "/configmaps";
    ProxyRecord write = only("POST", configMaps, r -> true);
    assertThat(write.fault()).isEqualTo("delay(PT1S)");
    assertThat(write.heldFor()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(write.status()).isEqualTo(201);
    assertThat(only("GET", configMaps + "/late", r -> true).fault()).isNull();
  }

  @Test
  void aBlackholedReadTimesOutUnforwardedAndIsResetWhenCleared() {
    Config impatient = proxied();
    impatient.setRequestTimeout(1_000);
    KubernetesClient client = client(impatient);
    proxy.inject(Selector.of(Set.of(CALLER), Set.of(RequestClass.READ)), Fault.blackhole());

    assertThatThrownBy(() -> client.configMaps().inNamespace(namespace).withName("nowhere").get())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(causes(e)).anyMatch(FaultProxyIT::isTimeout));

    String path = "/api/v1/namespaces/" + namespace + "/configmaps/nowhere";
    ProxyRecord held = only("GET", path, r -> true);
    assertThat(held.fault()).isEqualTo("blackhole");
    assertThat(held.wasForwarded()).isFalse();
    assertThat(held.status()).isNull();

    proxy.clear();
    ProxyRecord ended = Await.value("the held request is ended", () -> only("GET", path, r -> true),
        r -> r.answered() != null);
    assertThat(ended.wasForwarded()).isFalse();
    assertThat(ended.status()).isNull();
    assertThat(client.configMaps().inNamespace(namespace).withName("nowhere").get()).isNull();
  }

  @Test
  void aResetClosesTheConnectionWithoutAnAnswer() {
    KubernetesClient client = client(proxied());
    proxy.inject(Selector.of(Set.of(CALLER), Set.of(RequestClass.READ)), Fault.reset());

    assertThatThrownBy(() -> client.configMaps().inNamespace(namespace).list())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(causes(e)).noneMatch(FaultProxyIT::isTimeout));

    ProxyRecord reset = only("GET", "/api/v1/namespaces/" + namespace + "/configmaps", r -> true);
    assertThat(reset.fault()).isEqualTo("reset");
    assertThat(reset.wasForwarded()).isFalse();
    assertThat(reset.status()).isNull();
    assertThat(reset.answered()).isNotNull();

    proxy.clear();
    assertThat(client.configMaps().inNamespace(namespace).list().getItems()).isEmpty();
  }

  @Test
  void anOutageCutsOpenWatchesAndRefusesRequestsUntilItEnds() {
    Config config = proxied();
    config.setWatchReconnectLimit(0); // a cut watch is reported to the watcher, not silently re-opened
    KubernetesClient client = client(config);
    List<String> events = new CopyOnWriteArrayList<>();
    CompletableFuture<WatcherException> closed = new CompletableFuture<>();
    client.configMaps().inNamespace(namespace).watch(recording(events, closed));
    server.client().configMaps().inNamespace(namespace).resource(configMap("before")).create();
    Await.until("the watch through the proxy works", () -> events.contains("ADDED before"));

    proxy.outage(true);

    Await.until("the watcher is told its watch is closed", closed::isDone);
    assertThat(only("GET", "/api/v1/namespaces/" + namespace + "/configmaps", ProxyRecord::isWatch).answered())
        .isNotNull();
    assertThatThrownBy(() -> client.configMaps().inNamespace(namespace).list())
        .isInstanceOf(KubernetesClientException.class);

    proxy.outage(false);

    assertThat(client.configMaps().inNamespace(namespace).list().getItems())
        .extracting(cm -> cm.getMetadata().getName()).containsExactly("before");
    List<String> after = new CopyOnWriteArrayList<>();
    client.configMaps().inNamespace(namespace).watch(recording(after, new CompletableFuture<>()));
    server.client().configMaps().inNamespace(namespace).resource(configMap("after")).create();
    Await.until("a new watch through the proxy works", () -> after.contains("ADDED after"));
  }

  @Test
  void aWriteWhoseAnswerIsDelayedIsOnTheApiServerBeforeTheCallerKnows() throws Exception {
    KubernetesClient client = client(proxied());
    Duration hold = Duration.ofSeconds(4);
    proxy.inject(Selector.of(Set.of(CALLER), Set.of(RequestClass.WRITE)), Fault.delayResponse(hold));

    CompletableFuture<ConfigMap> created = CompletableFuture.supplyAsync(() ->
        client.configMaps().inNamespace(namespace).resource(configMap("on-the-wire")).create());
    Await.until("the ConfigMap is on the API server", () ->
        server.client().configMaps().inNamespace(namespace).withName("on-the-wire").get() != null);
    assertThat(created).isNotDone();

    ConfigMap answer = created.get(30, TimeUnit.SECONDS);
    assertThat(answer.getMetadata().getUid()).isEqualTo(server.client().configMaps().inNamespace(namespace)
        .withName("on-the-wire").get().getMetadata().getUid());
    ProxyRecord write = only("POST", "/api/v1/namespaces/" + namespace + "/configmaps", r -> true);
    assertThat(write.heldFor()).isLessThan(hold);
    assertThat(Duration.between(write.forwarded(), write.answered())).isGreaterThanOrEqualTo(hold);
    assertThat(write.status()).isEqualTo(201);
  }

  private Config proxied() {
    Config config = proxy.clientConfig(token);
    config.setRequestRetryBackoffLimit(0);
    return config;
  }

  private KubernetesClient client(Config config) {
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    clients.add(client);
    return client;
  }

  /** The one request of {@link #CALLER} with this method and path (and matching {@code which}) in the proxy's log. */
  private ProxyRecord only(String method, String path, Predicate<ProxyRecord> which) {
    List<ProxyRecord> found = proxy.log().stream().filter(r -> r.caller().equals(CALLER)
        && r.method().equals(method) && r.path().equals(path) && which.test(r)).toList();
    assertThat(found).as("%s %s in %s", method, path, proxy.log()).hasSize(1);
    return found.get(0);
  }


  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().withData(Map.of("k", "v")).build();
  }

  private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> Watcher<T> recording(List<String> events,
      CompletableFuture<WatcherException> closed) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T resource) {
        events.add(action + " " + resource.getMetadata().getName());
      }

      @Override
      public void onClose(WatcherException cause) {
        closed.complete(cause);
      }

      @Override
      public void onClose() {
        closed.complete(null);
      }
    };
  }

  private static List<Throwable> causes(Throwable error) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  private static boolean isTimeout(Throwable error) {
    return error instanceof TimeoutException || error instanceof java.net.SocketTimeoutException
        || String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT).contains("timed out")
        || String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT).contains("timeout");
  }
}
