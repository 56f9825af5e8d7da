package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.children.ClusterTls;
import io.pgoperator.app.postgres.tls.CertificateAuthority;
import io.pgoperator.runtime.source.CachedForm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The heap the informer caches spend per PostgresCluster, measured in this JVM: {@value #CLUSTERS}
 * copies of one cluster's objects (each with its own names, uids, resourceVersions, and random
 * Secret data of the real lengths) deserialized as an informer does, then kept whole, without
 * managedFields (the caches before their {@link CachedForm}), or in the form the operator's caches
 * keep ({@link PostgresOperator#cacheTransform}); used heap after a full GC, per kind.
 *
 * <p>The objects are in {@code cached/}: the children of {@code Clusters.fullToCreate("orders")}
 * (three instances, so both Services and the PodDisruptionBudget) as envtest's API server returned
 * them, managedFields included, and instance 0's pod as the API server made it from the
 * StatefulSet's template, with the status a kubelet reports for a running, Ready instance.
 *
 * <pre>mvn -B -o -pl operator-app -am verify -Dtest=CacheFootprintBenchmark -Dgroups=benchmark -DexcludedGroups= \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=none -Dfailsafe.failIfNoSpecifiedTests=false</pre>
 */
@Tag("benchmark")
class CacheFootprintBenchmark {

  static final int CLUSTERS = 1000;
  private static final int WARM_UP = 100;

  record Kind(String file, Class<? extends HasMetadata> type) {
  }

  static final List<Kind> KINDS = List.of(
      new Kind("postgrescluster", PostgresCluster.class),
      new Kind("statefulset", StatefulSet.class),
      new Kind("pod", Pod.class),
      new Kind("service-orders-pods", Service.class),
      new Kind("service-orders-rw", Service.class),
      new Kind("service-orders-ro", Service.class),
      new Kind("configmap-orders-config", ConfigMap.class),
      new Kind("configmap-orders-state", ConfigMap.class),
      new Kind("secret-orders-credentials", Secret.class),
      new Kind("secret-orders-internal-credentials", Secret.class),
      new Kind("secret-orders-ca", Secret.class),
      new Kind("secret-orders-server-tls", Secret.class),
      new Kind("poddisruptionbudget", PodDisruptionBudget.class));

  @Test
  void heapPerCluster() throws Exception {
    StringBuilder out = new StringBuilder("Heap per cluster of its cached objects, B (each kind's increment, all kept)\n");
    out.append(String.format("%-36s %10s %12s %12s%n", "object", "received", "-managedF", "cached form"));
    List<UnaryOperator<HasMetadata>> forms = List.of(
        object -> object,
        object -> {
          object.getMetadata().setManagedFields(null);
          return object;
        },
        CacheFootprintBenchmark::cachedForm);
    long[][] bytes = new long[forms.size()][];
    for (int form = 0; form < forms.size(); form++) {
      bytes[form] = measure(forms.get(form));
    }
    long[] totals = new long[forms.size()];
    for (int k = 0; k < KINDS.size(); k++) {
      out.append(String.format("%-36s", KINDS.get(k).file()));
      for (int form = 0; form < forms.size(); form++) {
        out.append(String.format(" %12d", bytes[form][k] / CLUSTERS));
        totals[form] += bytes[form][k];
      }
      out.append('\n');
    }
    out.append(String.format("%-36s", "total"));
    for (long total : totals) {
      out.append(String.format(" %12d", total / CLUSTERS));
    }
    System.out.println(out.append('\n'));
  }

  /**
   * What the reconciler keeps of each cluster's TLS Secrets between reconciles ({@link
   * ParsedTlsSecrets}), for clusters with a CA and server certificate of their own.
   */
  @Test
  void tlsVerdictsPerCluster() throws Exception {
    Instant now = Instant.now();
    List<PostgresCluster> clusters = new ArrayList<>();
    List<Secret> caSecrets = new ArrayList<>();
    List<Secret> serverSecrets = new ArrayList<>();
    for (int i = 1; i <= CLUSTERS; i++) {
      PostgresCluster cluster = Clusters.full(String.format("db-%04d", i));
      CertificateAuthority made = ClusterTls.newAuthority(cluster, now);
      clusters.add(cluster);
      caSecrets.add((Secret) cachedForm(ClusterTls.caSecret(cluster, made)));
      serverSecrets.add((Secret) cachedForm(ClusterTls.serverSecret(cluster, made, ClusterTls.issue(cluster, made, now))));
    }
    ParsedTlsSecrets parsed = new ParsedTlsSecrets();
    long before = usedAfterGc();
    for (int i = 0; i < CLUSTERS; i++) {
      var authority = parsed.authority(caSecrets.get(i));
      if (parsed.renewal(clusters.get(i), serverSecrets.get(i), authority, now).isEmpty()) {
        throw new IllegalStateException("the server certificate just issued is not current");
      }
    }
    long bytes = usedAfterGc() - before;
    System.out.printf("Heap per cluster of the reconciler's TLS verdicts: %d B%n%n", bytes / CLUSTERS);
    if (parsed.authority(caSecrets.get(0)) == null || clusters.size() + serverSecrets.size() == 0) {
      throw new IllegalStateException("unreachable: keeps the verdicts and Secrets alive until here");
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static HasMetadata cachedForm(HasMetadata received) {
    return CachedForm.of(received, PostgresOperator.cacheTransform((Class) received.getClass()));
  }

  /** Bytes per kind for all clusters, every kind kept until the end (so parts shared across kinds count once). */
  private static long[] measure(UnaryOperator<HasMetadata> form) throws Exception {
    for (Kind kind : KINDS) {
      for (int i = 1; i <= WARM_UP; i++) {
        form.apply(copy(kind, CLUSTERS + i));
      }
    }
    long[] bytes = new long[KINDS.size()];
    List<List<HasMetadata>> kept = new ArrayList<>();
    for (int k = 0; k < KINDS.size(); k++) {
      long before = usedAfterGc();
      List<HasMetadata> objects = new ArrayList<>();
      for (int i = 1; i <= CLUSTERS; i++) {
        objects.add(form.apply(copy(KINDS.get(k), i)));
      }
      kept.add(objects);
      bytes[k] = usedAfterGc() - before;
    }
    if (kept.size() != KINDS.size()) {
      throw new IllegalStateException("unreachable: keeps the objects alive until here");
    }
    return bytes;
  }

  /** Cluster {@code i}'s copy, as an informer deserializes it. */
  static HasMetadata copy(Kind kind, int i) throws IOException {
    return unique(Serialization.unmarshal(variant(fixture(kind.file()), i), kind.type()));
  }

  /** Cluster {@code i}'s names, uids and resourceVersions. */
  static String variant(String json, int i) {
    String name = String.format("db-%04d", i);
    return json.replace("orders", name)
        .replaceAll("\"uid\": \"[0-9a-f]{8}-", "\"uid\": \"" + String.format("%08x", i) + "-")
        .replaceAll("\"resourceVersion\": \"([0-9]+)\"", "\"resourceVersion\": \"$1" + i + "\"");
  }

  /**
   * Secrets hold keys, certificates and passwords of their own: random bytes of the same lengths,
   * the CA certificate the same in each of the cluster's Secrets that carries it.
   */
  static HasMetadata unique(HasMetadata object) {
    if (object instanceof Secret secret) {
      int cluster = secret.getMetadata().getOwnerReferences().get(0).getUid().hashCode();
      secret.getData().replaceAll((key, value) -> {
        byte[] bytes = new byte[Base64.getDecoder().decode(value).length];
        long seed = 31L * cluster + key.hashCode() + (key.equals("ca.crt") ? 0 : secret.getMetadata().getName().hashCode());
        new Random(seed).nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
      });
    }
    return object;
  }

  static String fixture(String name) throws IOException {
    try (InputStream in = CacheFootprintBenchmark.class.getResourceAsStream("cached/" + name + ".json")) {
      if (in == null) {
        throw new IllegalStateException("no fixture cached/" + name + ".json");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static long usedAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}
