package io.pgoperator.app.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pgoperator.runtime.testing.Await;
import io.pgoperator.runtime.testing.Crds;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.EnvtestBinaries;
import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every command that README.md and deploy/README.md print in a shell block works when pasted.
 * Each one has exactly one entry below saying how that is proven: run here, as written, on a real
 * API server of its own (kubectl from envtest on PATH, KUBECONFIG set, in document order, with the
 * objects a real cluster would have made in between, such as a leader's pod and its Lease); or
 * run by another test; or, when it cannot run on a test API server, why not. A command added to
 * the docs without an entry, or an entry whose command left the docs, fails the test.
 */
@ExtendWith(EnvtestDiagnostics.class)
class DocumentedCommandsIT {

  private static final Path ROOT = EnvtestBinaries.repositoryRoot();
  private static final String NAMESPACE = "pg-operator-system";
  private static final String LEASE = "pg-operator.postgres.example.com";
  /** A name as a ReplicaSet gives its pods; the leader's identity is this plus "_" and a UUID. */
  private static final String LEADER_POD = "pg-operator-5d8f7c9b4-q2x7z";
  private static final Duration COMMAND_DEADLINE = Duration.ofMinutes(2);
  private static final Pattern MAVEN_MODULE = Pattern.compile("-pl (\\S+)");
  private static final String EMBEDDED_IT = "io.pgoperator.app.embedded.EmbeddedModeIT";
  private static final Pattern MAVEN_TEST = Pattern.compile("-D(?:it\\.)?test=(\\w+)");

  private static KubeAPIServer server;
  private static KubernetesClient admin;
  private static Shell shell;

  /** How each documented command is proven, keyed by its text as a shell runs it. */
  private final Map<String, Check> checks = new LinkedHashMap<>();

  @BeforeAll
  static void startApiServer() throws IOException {
    server = Envtest.startApiServer("documented-commands", config -> config);
    admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build();
    Path kubeconfig = Files.createTempFile("documented-commands", ".kubeconfig");
    kubeconfig.toFile().deleteOnExit();
    Files.writeString(kubeconfig, server.getKubeConfigYaml());
    shell = new Shell(kubeconfig);
  }

  @AfterAll
  static void stopApiServer() {
    if (admin != null) {
      admin.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  DocumentedCommandsIT() {
    // README.md
    provenBy("mvn -B -q package -DskipTests && java -jar operator-app/target/operator.jar --embedded",
        EMBEDDED_IT, "mvn verify packages the fat jar; the IT starts it with --embedded");
    provenBy("envtest/build.sh && mvn -B verify", ".ci/run, which runs exactly this on an empty tool cache");
    provenBy("curl -s 'localhost:8081/readyz?verbose'", EMBEDDED_IT, "run against the embedded replicas");
    provenBy("curl -s localhost:8080/metrics | grep controller_runtime_reconcile_total", EMBEDDED_IT,
        "run against the embedded replicas");
    provenBy("kubectl --kubeconfig <printed file> get pgc -A -o custom-columns='NAME:.metadata.name,"
        + "INSTANCES:.spec.instances,READY:.status.readyInstances,PHASE:.status.phase,"
        + "RECONCILED:.status.conditions[?(@.type==\"Reconciled\")].reason'", EMBEDDED_IT,
        "run with the printed kubeconfig; its output is the table README.md shows");
    maven("mvn -B -pl operator-runtime test -Dgroups=benchmark -DexcludedGroups= -Dtest=WorkQueueBenchmark");
    maven("mvn -B -pl operator-app -am verify -Dit.test=FailoverBenchmark -Dgroups=benchmark -DexcludedGroups="
        + " -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false");
    maven("mvn -B -pl operator-app -am verify -Dit.test=DatabaseFailoverBenchmark -Dgroups=benchmark -DexcludedGroups="
        + " -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false");
    provenBy("kubectl annotate pgc demo postgres.example.com/target-primary=demo-1",
        "io.pgoperator.app.postgres.DatabaseFailoverIT", "the switchover tests set this annotation on a running cluster");
    maven("mvn -B -pl operator-app -am verify -Dit.test=ShardingBenchmark -Dgroups=benchmark -DexcludedGroups="
        + " -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false");
    maven("mvn -B -pl operator-app -am verify -Dit.test=ChaosSoakBenchmark -Dgroups=benchmark -DexcludedGroups="
        + " -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false");
    maven("mvn -B -pl operator-runtime verify -Dit.test=ApiBlipBenchmark -Dgroups=benchmark -DexcludedGroups="
        + " -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false");
    maven("mvn -B -pl operator-app -am verify -Dtest=CacheFootprintBenchmark -Dgroups=benchmark -DexcludedGroups="
        + " -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=none -Dfailsafe.failIfNoSpecifiedTests=false");
    runs("kubectl get leases -n pg-operator-system -l runtime.pgoperator.io/ring=pg-operator.postgres.example.com"
        + " -L runtime.pgoperator.io/role", result -> { }); // a valid selector and column; no ring runs here

    // deploy/README.md
    runs("kubectl apply -k deploy/", result -> {
      assertThat(admin.apps().deployments().inNamespace(NAMESPACE).withName("pg-operator").get()).isNotNull();
      // What a reader's next command needs: the CRD serving PostgresClusters.
      Crds.awaitEstablished(admin, "postgresclusters.postgres.example.com");
    });
    provenBy("kubectl kustomize deploy/ > deploy/install.yaml", "io.pgoperator.app.deploy.DeployManifestsTest",
        "renders deploy/ the same way and fails while install.yaml differs (running it here would rewrite"
            + " a tracked file)");
    notHere("kubectl -n pg-operator-system rollout status deployment/pg-operator",
        "waits for ready pods: the test API server has no controller-manager or kubelet");
    runs("kubectl -n pg-operator-system get pods,lease", result -> { });
    runs("kubectl apply -f deploy/samples/postgrescluster-minimal.yaml", result ->
        assertThat(admin.genericKubernetesResources("postgres.example.com/v1alpha1", "PostgresCluster")
            .inNamespace("default").withName("demo").get()).isNotNull());
    ranHere("kubectl get lease -n pg-operator-system pg-operator.postgres.example.com -w -o custom-columns="
        + "HOLDER:.spec.holderIdentity,RENEWED:.spec.renewTime,TRANSITIONS:.spec.leaseTransitions",
        "a watch: still running after 5 s, having printed the leader's identity", command -> {
          leaderPodAndLease();
          Shell.Result watch = shell.runFor(command, Duration.ofSeconds(5));
          assertThat(watch.stillRunning()).as(watch.describe()).isTrue();
          assertThat(watch.stdout()).as(watch.describe()).contains("HOLDER", LEADER_POD + "_");
        });
    runs("kubectl delete pod -n pg-operator-system \"$(kubectl get lease -n pg-operator-system"
        + " pg-operator.postgres.example.com -o jsonpath='{.spec.holderIdentity}' | cut -d_ -f1)\"", result -> {
          assertThat(result.stdout()).contains("pod \"" + LEADER_POD + "\" deleted");
          Await.until("the leader's pod is gone",
              () -> admin.pods().inNamespace(NAMESPACE).withName(LEADER_POD).get() == null);
        });
    notHere("kubectl delete namespace pg-operator-system", "a namespace is emptied and removed by kube-controller-"
        + "manager's namespace controller, which the test API server lacks: kubectl would wait for ever");
    runs("kubectl delete clusterrolebinding,clusterrole pg-operator", result -> {
      assertThat(admin.rbac().clusterRoles().withName("pg-operator").get()).isNull();
      assertThat(admin.rbac().clusterRoleBindings().withName("pg-operator").get()).isNull();
    });
    notHere("kubectl delete -k deploy/", "deletes the namespace too (see `kubectl delete namespace`)");
    provenBy("mvn -B -DskipTests package", "every build: mvn verify packages operator-app/target/operator.jar"
        + " before the integration tests run it");
    notHere("docker build -t registry.example.com/pg-operator:0.1.0 .", "needs a Docker engine; DeployImageTest checks the Dockerfile against the manifests");
    notHere("docker push registry.example.com/pg-operator:0.1.0", "needs a Docker engine and a registry");
    notHere("cd deploy && kustomize edit set image ghcr.io/example/pg-operator=registry.example.com/pg-operator:0.1.0",
        "needs the standalone kustomize binary and rewrites deploy/kustomization.yaml");
    maven("mvn -B -pl operator-app -am verify -Dit.test=SizingBenchmark -Dgroups=benchmark -DexcludedGroups="
        + " -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false");
    ranHere("kubectl apply -k deploy/components/prometheus", "exit 0 after the monitoring.coreos.com CRDs"
        + " are installed; the ServiceMonitor and PrometheusRule exist", command -> {
      prometheusOperatorCrds(); // "needs the monitoring.coreos.com CRDs", as the README says
      Shell.Result result = shell.run(command, COMMAND_DEADLINE);
      assertThat(result.exitCode()).as(result.describe()).isZero();
      assertThat(admin.genericKubernetesResources("monitoring.coreos.com/v1", "ServiceMonitor")
          .inNamespace(NAMESPACE).list().getItems()).hasSize(1);
      assertThat(admin.genericKubernetesResources("monitoring.coreos.com/v1", "PrometheusRule")
          .inNamespace(NAMESPACE).list().getItems()).as("the PrometheusRule (its alerts: DeployAlertsTest)")
          .hasSize(1);
    });
  }

  @Test
  void everyDocumentedCommandIsCheckedAndTheRunnableOnesWorkAsWritten() {
    List<ShellCommands.Documented> documented = Stream.of(ROOT.resolve("README.md"), ROOT.resolve("deploy/README.md"))
        .flatMap(file -> ShellCommands.in(file).stream()).toList();
    List<String> texts = documented.stream().map(ShellCommands.Documented::text).toList();
    assertThat(documented.stream().filter(c -> !checks.containsKey(c.text())).map(Object::toString))
        .as("documented commands with no check here: add an entry saying how each is proven").isEmpty();
    assertThat(checks.keySet().stream().filter(text -> !texts.contains(text)))
        .as("entries whose command is no longer documented: remove or update them").isEmpty();

    List<String> report = new ArrayList<>();
    for (ShellCommands.Documented command : documented) {
      Check check = checks.get(command.text());
      check.verify().accept(command.text());
      report.add(command + "\n      " + check.how());
    }
    System.out.println("documented commands checked:\n  " + String.join("\n  ", report));
  }

  /** How a command is proven (for the report), and the proof to run. */
  private record Check(String how, Consumer<String> verify) {}

  /** Runs here; must exit 0, then {@code then} checks what it did. */
  private void runs(String command, Consumer<Shell.Result> then) {
    checks.put(command, new Check("ran here: exit 0, and its effect on the API server checked", text -> {
      Shell.Result result = shell.run(text, COMMAND_DEADLINE);
      assertThat(result.exitCode()).as(result.describe()).isZero();
      then.accept(result);
    }));
  }

  /** Another test runs it; that test must exist. */
  private void provenBy(String command, String testClass, String how) {
    checks.put(command, new Check("proven by " + testClass.substring(testClass.lastIndexOf('.') + 1) + ": " + how,
        text -> {
          try {
            Class.forName(testClass);
          } catch (ClassNotFoundException e) {
            throw new AssertionError("`" + text + "` is said to be proven by " + testClass + ", which does not exist");
          }
        }));
  }

  /** Proven by the build or CI itself, not by a test class. */
  private void provenBy(String command, String how) {
    checks.put(command, new Check("proven by " + how, text -> { }));
  }

  private void notHere(String command, String why) {
    checks.put(command, new Check("not run here: " + why, text -> { }));
  }

  private void ranHere(String command, String how, Consumer<String> verify) {
    checks.put(command, new Check("ran here: " + how, verify));
  }

  /** A Maven command for a benchmark: its modules and test classes exist. */
  private void maven(String command) {
    checks.put(command, new Check("a benchmark (minutes): its module and test classes exist", text -> {
      Matcher module = MAVEN_MODULE.matcher(text);
      assertThat(module.find()).as("a module (-pl) in `%s`", text).isTrue();
      Path tests = ROOT.resolve(module.group(1)).resolve("src/test/java");
      assertThat(tests).as("module of `%s`", text).isDirectory();
      Matcher test = MAVEN_TEST.matcher(text);
      while (test.find()) {
        if (!test.group(1).equals("none")) {
          try (Stream<Path> files = Files.walk(tests)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("test class of `%s`", text)
                .contains(test.group(1) + ".java");
          } catch (IOException e) {
            throw new AssertionError("cannot list " + tests, e);
          }
        }
      }
    }));
  }

  /** What the Deployment would have made by now: a replica's pod, leading, named in the Lease. */
  private static void leaderPodAndLease() {
    Deployment deployment = admin.apps().deployments().inNamespace(NAMESPACE).withName("pg-operator").get();
    Pod pod = new PodBuilder()
        .withNewMetadata().withName(LEADER_POD).withNamespace(NAMESPACE)
        .withLabels(deployment.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
        .withSpec(deployment.getSpec().getTemplate().getSpec())
        .build();
    admin.pods().resource(pod).create();
    ZonedDateTime now = ZonedDateTime.now();
    Lease lease = new LeaseBuilder()
        .withNewMetadata().withName(LEASE).withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().withHolderIdentity(LEADER_POD + "_" + UUID.randomUUID()).withLeaseDurationSeconds(15)
        .withAcquireTime(now).withRenewTime(now).withLeaseTransitions(0).endSpec()
        .build();
    admin.resource(lease).create();
  }

  /** Stand-ins for the Prometheus Operator's CRDs: the kinds, with any content. */
  private static void prometheusOperatorCrds() {
    for (String kind : List.of("ServiceMonitor", "PrometheusRule")) {
      String plural = kind.toLowerCase() + "s";
      CustomResourceDefinition crd = new CustomResourceDefinitionBuilder()
          .withNewMetadata().withName(plural + ".monitoring.coreos.com").endMetadata()
          .withNewSpec().withGroup("monitoring.coreos.com").withScope("Namespaced")
          .withNewNames().withKind(kind).withPlural(plural).withSingular(kind.toLowerCase()).endNames()
          .addNewVersion().withName("v1").withServed(true).withStorage(true)
          .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
          .endOpenAPIV3Schema().endSchema().endVersion()
          .endSpec().build();
      admin.resource(crd).create();
      Crds.awaitEstablished(admin, crd.getMetadata().getName());
    }
  }
}
