package io.pgoperator.app.deploy;

import static io.pgoperator.app.deploy.DeployManifests.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.pgoperator.app.deploy.DeployManifests.Rendered;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What `kubectl apply -k deploy/` installs, parsed from `kubectl kustomize deploy/`. */
class DeployManifestsTest {

  private final Rendered rendered = DeployManifests.base();
  private final Deployment deployment = rendered.one(Deployment.class);
  private final PodSpec pod = deployment.getSpec().getTemplate().getSpec();
  private final Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
  private final Container container = pod.getContainers().get(0);

  @Test
  void singleFileInstallEqualsTheKustomization() {
    // Compared as objects, so a kubectl whose kustomize formats YAML differently still agrees.
    List<HasMetadata> installYaml =
        DeployManifests.parse(DeployManifests.read(DeployManifests.deployDir().resolve("install.yaml")));
    assertThat(installYaml)
        .as("deploy/install.yaml is out of date with deploy/kustomization.yaml; regenerate it from the"
            + " repository root with: " + DeployManifests.REGENERATE)
        .isEqualTo(rendered.objects());
  }

  @Test
  void installsNamespaceCrdIdentityRbacDeploymentBudgetAndMetricsService() {
    assertThat(rendered.objects()).extracting(HasMetadata::getKind).containsExactlyInAnyOrder(
        "Namespace", "CustomResourceDefinition", "ServiceAccount", "ClusterRole", "ClusterRoleBinding",
        "Role", "RoleBinding", "Deployment", "PodDisruptionBudget", "Service");
    assertThat(rendered.objects())
        .filteredOn(o -> !List.of("Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding")
            .contains(o.getKind()))
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).as(o.getKind()).isEqualTo(NAMESPACE));
    assertThat(rendered.objects()).allSatisfy(o ->
        assertThat(o.getMetadata().getLabels()).as(o.getKind()).containsEntry("app.kubernetes.io/part-of", "pg-operator"));
  }

  @Test
  void shipsTheGeneratedCrdUnchanged() {
    CustomResourceDefinition generated = (CustomResourceDefinition) DeployManifests.parse(DeployManifests.read(
        DeployManifests.deployDir().resolve("crd/postgresclusters.postgres.example.com-v1.yml"))).get(0);
    CustomResourceDefinition installed = rendered.one(CustomResourceDefinition.class);
    assertThat(installed.getMetadata().getName()).isEqualTo("postgresclusters.postgres.example.com");
    assertThat(installed.getSpec()).isEqualTo(generated.getSpec());
  }

  @Test
  void namespaceEnforcesTheRestrictedPodSecurityStandard() {
    Namespace namespace = rendered.one(Namespace.class);
    assertThat(namespace.getMetadata().getName()).isEqualTo(NAMESPACE);
    assertThat(namespace.getMetadata().getLabels()).containsEntry("pod-security.kubernetes.io/enforce", "restricted");
  }

  @Test
  void runsThreeLeaderElectingReplicasThatKnowTheirPodAndNamespace() {
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    assertThat(container.getArgs()).contains(
        "--leader-elect", "--leader-election-namespace=$(POD_NAMESPACE)", "--log-format=json");
    Map<String, String> fieldRefs = container.getEnv().stream()
        .filter(e -> e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null)
        .collect(Collectors.toMap(EnvVar::getName, e -> e.getValueFrom().getFieldRef().getFieldPath()));
    assertThat(fieldRefs).containsEntry("POD_NAME", "metadata.name").containsEntry("POD_NAMESPACE", "metadata.namespace");
    assertThat(pod.getServiceAccountName()).isEqualTo(DeployManifests.SERVICE_ACCOUNT);
    assertThat(pod.getAutomountServiceAccountToken()).isTrue();
    assertThat(container.getImage()).isEqualTo("ghcr.io/example/pg-operator:0.1.0");
  }

  @Test
  void probesHealthAndReadinessOnThePortNamedProbes() {
    Map<String, ContainerPort> ports = ports();
    assertThat(ports.get("probes").getContainerPort()).isEqualTo(8081);
    assertThat(ports.get("metrics").getContainerPort()).isEqualTo(8080);
    assertProbe(container.getLivenessProbe(), "/healthz", 15, 20);
    assertProbe(container.getReadinessProbe(), "/readyz", 5, 10);
  }

  /** The medium profile of deploy/README.md's Sizing table: limits 500m/512Mi, the request a leader's steady use at 5,000 clusters. */
  @Test
  void requestsTheMeasuredUseAndLimitsTheMediumProfile() {
    var resources = container.getResources();
    assertThat(resources.getRequests()).containsEntry("cpu", new Quantity("100m")).containsEntry("memory", new Quantity("384Mi"));
    assertThat(resources.getLimits()).containsEntry("cpu", new Quantity("500m")).containsEntry("memory", new Quantity("512Mi"));
  }

  @Test
  void meetsTheRestrictedPodSecurityStandardWithAWritableTmp() {
    var podSecurity = pod.getSecurityContext();
    assertThat(podSecurity.getRunAsNonRoot()).isTrue();
    assertThat(podSecurity.getRunAsUser()).isEqualTo(65532L);
    assertThat(podSecurity.getRunAsGroup()).isEqualTo(65532L);
    assertThat(podSecurity.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var containerSecurity = container.getSecurityContext();
    assertThat(containerSecurity.getAllowPrivilegeEscalation()).isFalse();
    assertThat(containerSecurity.getReadOnlyRootFilesystem()).isTrue();
    assertThat(containerSecurity.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(containerSecurity.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(containerSecurity.getPrivileged()).isNotEqualTo(Boolean.TRUE);

    var tmpMount = container.getVolumeMounts().stream().filter(m -> "/tmp".equals(m.getMountPath())).findFirst();
    assertThat(tmpMount).as("a volume mounted at /tmp").isPresent();
    Volume tmp = pod.getVolumes().stream().filter(v -> v.getName().equals(tmpMount.get().getName())).findFirst()
        .orElseThrow();
    assertThat(tmp.getEmptyDir()).as("/tmp is an emptyDir").isNotNull();
  }

  @Test
  void prefersReplicasOnDifferentNodes() {
    assertThat(pod.getTopologySpreadConstraints()).anySatisfy(c -> {
      assertThat(c.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
      assertThat(c.getMaxSkew()).isEqualTo(1);
      assertThat(c.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
      assertThat(DeployManifests.selects(c.getLabelSelector(), podLabels)).as("spread selects the replicas").isTrue();
    });
    List<WeightedPodAffinityTerm> antiAffinity =
        pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
    assertThat(antiAffinity).anySatisfy(term -> {
      assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
      assertThat(DeployManifests.selects(term.getPodAffinityTerm().getLabelSelector(), podLabels)).isTrue();
    });
    assertThat(pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
        .as("a hard anti-affinity would leave replicas pending on small clusters").isNullOrEmpty();
  }

  @Test
  void gracePeriodOutlastsTheGracefulShutdownThatReleasesTheLease() {
    assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(30L);
  }

  @Test
  void podsAdvertiseTheirMetricsToAnnotationBasedScraping() {
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", String.valueOf(ports().get("metrics").getContainerPort()))
        .containsEntry("prometheus.io/path", "/metrics");
  }

  @Test
  void disruptionBudgetKeepsTwoReplicasOfTheDeployment() {
    PodDisruptionBudget pdb = rendered.one(PodDisruptionBudget.class);
    assertThat(pdb.getApiVersion()).isEqualTo("policy/v1");
    assertThat(pdb.getSpec().getMinAvailable()).isEqualTo(new IntOrString(2));
    assertThat(DeployManifests.selects(pdb.getSpec().getSelector(), podLabels)).isTrue();
    assertThat(pdb.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector());
  }

  @Test
  void metricsServiceSelectsTheReplicasAndTargetsTheirMetricsPort() {
    Service service = rendered.one(Service.class);
    assertThat(podLabels.entrySet()).containsAll(service.getSpec().getSelector().entrySet());
    assertThat(service.getSpec().getSelector()).isNotEmpty();
    ServicePort port = service.getSpec().getPorts().get(0);
    assertThat(port.getName()).isEqualTo("metrics");
    assertThat(port.getPort()).isEqualTo(8080);
    assertThat(port.getTargetPort()).isEqualTo(new IntOrString("metrics"));
    assertThat(ports()).containsKey("metrics");
  }

  @Test
  void shardingComponentAddsShardsToTheArgsAndKeepsLeaderElectionOn() {
    Container sharded = DeployManifests.sharded().one(Deployment.class).getSpec().getTemplate().getSpec()
        .getContainers().get(0);
    assertThat(sharded.getArgs()).containsExactlyElementsOf(
        Stream.concat(container.getArgs().stream(), Stream.of("--shards=16")).toList());
    assertThat(container.getArgs()).as("the default install runs one leader").noneMatch(a -> a.startsWith("--shards"));
  }

  @Test
  void shardingComponentChangesNothingButTheArgsAndTheLeaseVerbs() {
    // The base, re-parsed (a copy), with exactly the two changes the component is meant to make.
    List<HasMetadata> expected = DeployManifests.parse(rendered.yaml());
    expected.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).forEach(d ->
        d.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs().add("--shards=16"));
    expected.stream().filter(Role.class::isInstance).map(Role.class::cast).forEach(r -> r.getRules().stream()
        .filter(rule -> rule.getResources().contains("leases")).forEach(rule -> rule.getVerbs().add("delete")));
    assertThat(DeployManifests.sharded().objects()).isEqualTo(expected);
  }

  private Map<String, ContainerPort> ports() {
    return container.getPorts().stream().collect(Collectors.toMap(ContainerPort::getName, Function.identity()));
  }

  private void assertProbe(Probe probe, String path, int initialDelay, int period) {
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort()).isEqualTo(new IntOrString("probes"));
    assertThat(probe.getInitialDelaySeconds()).isEqualTo(initialDelay);
    assertThat(probe.getPeriodSeconds()).isEqualTo(period);
  }
}
