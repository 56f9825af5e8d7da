package io.pgoperator.runtime.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Vertx;
import java.time.Duration;

/** Builds fabric8 clients whose HTTP traffic runs on the operator's own Vert.x event loops. */
public final class KubeClients {

  private KubeClients() {}

  /** The client for reads, informers and watches: fabric8's retries and timeouts. */
  public static KubernetesClient create(Vertx vertx, Config config) {
    return builder(vertx, config).build();
  }

  /**
   * The client for Lease requests: no client-level retries (the elector retries itself, and a
   * repeat could land after the elector gave up on it) and every request abandoned after
   * {@code timeout}.
   */
  public static KubernetesClient createForLease(Vertx vertx, Config config, Duration timeout) {
    return builder(vertx, bounded(config, timeout)).build();
  }

  /**
   * The client for fenced writes: no client-level retries (a repeat would leave after the check
   * that let the first one go; the reconcile retries instead, after checking again), every request
   * abandoned after {@code timeout} (see {@code LeaderElectionConfig#writeTimeout}: shorter than
   * the lease margin, so a write sent in a term cannot reach the API server once another replica
   * may lead), and each request checked against the sending write's term by
   * {@link FencingInterceptor}. Only {@link KubeCalls#write} sends through it.
   */
  static KubernetesClient createFenced(Vertx vertx, Config config, Duration timeout) {
    return builder(vertx, bounded(config, timeout))
        .withHttpClientBuilderConsumer(builder -> builder.addOrReplaceInterceptor(FencingInterceptor.NAME,
            new FencingInterceptor()))
        .build();
  }

  private static Config bounded(Config config, Duration timeout) {
    return new ConfigBuilder(config)
        .withRequestRetryBackoffLimit(0)
        .withRequestTimeout((int) Math.max(1, timeout.toMillis()))
        .build();
  }

  private static KubernetesClientBuilder builder(Vertx vertx, Config config) {
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientFactory(new Vertx5HttpClientFactory(vertx));
  }
}
