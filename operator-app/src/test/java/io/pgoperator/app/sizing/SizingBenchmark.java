// Run (numbers only, never fails on them; about 40 minutes for the defaults on 2 CPUs):
// mvn -B -pl operator-app -am verify -Dit.test=SizingBenchmark -Dgroups=benchmark -DexcludedGroups= \
//   -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
// Options: -Dsizing.runtimes=java17,image (java17: the tests' Java; image: a local JDK of the Dockerfile's
//          base image's version, from -Dsizing.image-java-home, JAVA_HOME_<major> or /usr/lib/jvm)
//          -Dsizing.profiles=small,medium,large (default medium) -Dsizing.clusters=0,1000,5000 -Dsizing.idle-seconds=30
//          -Dsizing.extra-flags="-XX:MaxHeapFreeRatio=20 ..." (appended to every profile's JVM flags)
//          -Dsizing.extra-env="MALLOC_ARENA_MAX=2,..." (added to the environment the Dockerfile's ENV gives)
//          -Dsizing.diagnose=true (adds -XX:NativeMemoryTracking=summary; writes per step and replica to target/sizing/:
//          jcmd VM.native_memory summary, Thread.print, GC.class_histogram, and what the cached objects cost)
package io.pgoperator.app.sizing;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.runtime.testing.EnvtestBinaries;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Per Java runtime and JVM profile, two operator processes, a leader and a standby of the same
 * Lease, on an envtest API server of the benchmark's own ({@link SizingApiServer}), loaded step
 * by step with PostgresClusters in their one watched namespace (the processes keep their caches
 * from step to step, as replicas do while clusters are added). Per step: create the new clusters
 * with a few threads and the instance pods their StatefulSets ask for ({@link StatefulSetPods}),
 * wait until all are reconciled, the leader's work queue is empty and the standby is quiet,
 * measure CPU over an idle window, then sample RSS and the JVM's meters of both, then force a
 * full GC for the live heap. Prints a table and writes it to {@code target/sizing/results.txt};
 * fails only when the harness does (the API server, a create, a refused cluster, a time-out), not
 * on numbers, and not when an operator runs out of memory: that is reported as a row.
 */
@Tag("benchmark")
class SizingBenchmark {

  static final Path DIR = Paths.get("target", "sizing");
  private static final Path CRD = Paths.get("deploy/crd/postgresclusters.postgres.example.com-v1.yml");

  @Test
  void footprintWithClustersCached() throws IOException {
    Path root = EnvtestBinaries.repositoryRoot();
    Path dockerfile = root.resolve("Dockerfile");
    List<JvmRuntime> runtimes = JvmRuntime.select(System.getProperty("sizing.runtimes",
        JvmRuntime.TESTS + "," + JvmRuntime.IMAGE), dockerfile);
    List<JvmProfile> profiles = JvmProfile.select(JvmProfile.defaults(dockerfile),
        System.getProperty("sizing.profiles", "medium"));
    List<Integer> counts = Arrays.stream(System.getProperty("sizing.clusters", "0,1000,5000").split(","))
        .map(s -> Integer.parseInt(s.trim())).sorted().toList();
    Duration idle = Duration.ofSeconds(Long.getLong("sizing.idle-seconds", 30));
    boolean diagnose = Boolean.getBoolean("sizing.diagnose");
    Map<String, String> env = JvmProfile.imageEnv(dockerfile, System.getProperty("sizing.extra-env", ""));
    String extra = System.getProperty("sizing.extra-flags", "").trim();
    if (!extra.isEmpty()) {
      profiles = profiles.stream().map(p -> p.with(extra.split("\\s+"))).toList();
    }

    Files.createDirectories(DIR);
    Path kubeconfig = DIR.resolve("kubeconfig.yaml");
    Instant began = Instant.now();
    List<SizingReport.Setup> setups = new ArrayList<>();
    List<SizingReport.Startup> startups = new ArrayList<>();
    List<Step> steps = new ArrayList<>();
    try (SizingApiServer server = SizingApiServer.start()) {
      server.installCrd(root.resolve(CRD));
      Files.writeString(kubeconfig, server.kubeconfigYaml());
      for (JvmRuntime runtime : runtimes) {
        for (JvmProfile profile : profiles) {
          List<String> flags = new ArrayList<>(profile.flags());
          if (diagnose) {
            flags.add("-XX:NativeMemoryTracking=summary");
          }
          List<String> dropped = runtime.unsupportedFlags(flags);
          List<String> used = flags.stream().filter(flag -> !dropped.contains(flag)).toList();
          setups.add(new SizingReport.Setup(runtime.label(), runtime.version(), profile.name(), profile.container(), used,
              dropped));
          String namespace = "sizing-" + runtime.name() + "-" + profile.name();
          server.createNamespace(namespace);
          new ReplicaPair(server.client(), namespace, runtime, profile.name(), used, env,
              kubeconfig, idle, diagnose).run(counts, startups, steps);
          // So far, in case a later run fails.
          Files.writeString(DIR.resolve("results.txt"), SizingReport.render(header(began, counts, idle, diagnose, env),
              setups, startups, steps));
        }
      }
    } finally {
      Files.deleteIfExists(kubeconfig);
    }
    String report = SizingReport.render(header(began, counts, idle, diagnose, env), setups, startups, steps);
    System.out.println(report);
    Files.writeString(DIR.resolve("results.txt"), report);
    assertThat(steps).as("one row per runtime, profile, role and cluster count, or an exit row").isNotEmpty();
  }

  private static String header(Instant began, List<Integer> counts, Duration idle, boolean diagnose,
      Map<String, String> env) {
    Runtime rt = Runtime.getRuntime();
    return "Sizing benchmark, " + began + " to " + Instant.now() + " on " + host() + " (" + rt.availableProcessors()
        + " CPUs, " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")\nTwo operator processes"
        + " (fat jar, leader election on: a leader and a standby of one Lease) per runtime and profile against envtest"
        + " (service range " + SizingApiServer.SERVICE_RANGE + ") on the same machine;\nN PostgresClusters (1 instance,"
        + " 1Gi) in their namespace, steps " + counts + ", idle window " + idle.toSeconds() + " s"
        + (diagnose ? ", NativeMemoryTracking on (adds to RSS)" : "") + ".\n'kids' = objects the operator caches"
        + " besides the clusters: its children and the instance pods (created by the harness from each StatefulSet's"
        + " template, Pending);\n'reconcile' = first create of the step until all N reconciled (Reconciled=True at"
        + " their generation); 'rec CPU' = the process's CPU over that time;\n'idle CPU' = share of one core over the"
        + " idle window." + (env.isEmpty() ? "" : "\nEnvironment (the image's ENV): " + env);
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown host";
    }
  }
}
