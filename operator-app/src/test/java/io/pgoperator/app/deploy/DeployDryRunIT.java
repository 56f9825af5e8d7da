package io.pgoperator.app.deploy;

import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import org.junit.jupiter.api.extension.ExtendWith;
import static io.pgoperator.app.deploy.DeployManifests.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgoperator.app.deploy.DeployManifests.Rendered;
import io.pgoperator.runtime.testing.Envtest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The install on a real kube-apiserver (envtest): every object passes server-side validation and
 * admission, `kubectl apply -k deploy/` installs exactly what was rendered, the pod template is
 * admitted under the namespace's restricted Pod Security Standard, and the samples pass the CRD's
 * schema. No kubelet or controller-manager runs, so no pod ever starts.
 */
@ExtendWith(EnvtestDiagnostics.class)
class DeployDryRunIT {

  private static final Path INSTALL_YAML = DeployManifests.deployDir().resolve("install.yaml");

  private static Envtest envtest;
  private static KubernetesClient admin;
  private static Kubectl kubectl;
  private final Rendered rendered = DeployManifests.base();

  @BeforeAll
  static void namespaceAndCrdExist() {
    envtest = Envtest.get();
    admin = envtest.client();
    kubectl = Kubectl.against(envtest.kubeconfigYaml());
    // A server-side dry run creates nothing, so objects in the new namespace would find it missing.
    ApiServerInstall.namespaceAndCrd(admin);
  }

  @Test
  void everyObjectOfTheSingleFileInstallPassesServerSideDryRun() {
    Command dryRun = kubectl.run("apply", "--dry-run=server", "-f", INSTALL_YAML.toString(), "-o", "name")
        .assertSucceeded();
    assertThat(dryRun.stdout().lines().sorted().toList())
        .isEqualTo(rendered.objects().stream().map(DeployDryRunIT::kubectlName).sorted().toList());
    assertThat(dryRun.stderr()).as("warnings (Pod Security, deprecated APIs, unknown fields)").doesNotContain("Warning");
  }

  @Test
  void theShardedVariantPassesServerSideDryRun() {
    Path overlay = DeployManifests.overlay(DeployManifests.deployDir().resolve("components/sharding"));
    Command dryRun = kubectl.run("apply", "--dry-run=server", "-k", overlay.toString(), "-o", "name").assertSucceeded();
    assertThat(dryRun.stdout().lines().sorted().toList())
        .isEqualTo(DeployManifests.sharded().objects().stream().map(DeployDryRunIT::kubectlName).sorted().toList());
    // Objects other tests created without kubectl apply lack its annotation; that warning aside, none.
    assertThat(dryRun.stderr().lines().filter(l -> !l.contains("last-applied-configuration")))
        .as("warnings (Pod Security, deprecated APIs, unknown fields)").isEmpty();
  }

  @Test
  void kubectlApplyKustomizationInstallsExactlyWhatWasRendered() {
    Command apply = kubectl.run("apply", "-k", DeployManifests.deployDir().toString()).assertSucceeded();
    // Objects other tests created by server-side apply lack kubectl's annotation; that warning aside, none.
    assertThat(apply.stderr().lines().filter(l -> !l.contains("last-applied-configuration")))
        .as(apply.describe()).isEmpty();
    for (HasMetadata object : rendered.objects()) {
      HasMetadata live = admin.resource(object).get();
      assertThat(live).as("%s %s on the server", object.getKind(), object.getMetadata().getName()).isNotNull();
      // Fields the server does not know or has feature-gated off are dropped silently: catch that.
      assertThat(missingFields(object, live)).as("fields of %s %s the server dropped or changed",
          object.getKind(), object.getMetadata().getName()).isEmpty();
    }
    Command diff = kubectl.run("diff", "-k", DeployManifests.deployDir().toString());
    assertThat(diff.exitCode()).as("re-applying changes nothing: %s", diff.describe()).isZero();
  }

  @Test
  void podTemplateIsAdmittedUnderTheNamespacesRestrictedPodSecurityStandard() {
    ApiServerInstall.apply(admin, rendered.one(ServiceAccount.class));
    Deployment deployment = rendered.one(Deployment.class);
    Pod pod = new PodBuilder()
        .withNewMetadata().withName("pod-security-check").withNamespace(NAMESPACE)
        .withLabels(deployment.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
        .withSpec(deployment.getSpec().getTemplate().getSpec())
        .build();
    assertThat(admin.pods().resource(pod).dryRun().create().getMetadata().getName()).isEqualTo("pod-security-check");

    // The control: the same pod without its security contexts is refused, so the label enforces.
    Pod insecure = new PodBuilder(pod).editSpec().withSecurityContext(null)
        .editFirstContainer().withSecurityContext(null).endContainer().endSpec().build();
    assertThatThrownBy(() -> admin.pods().resource(insecure).dryRun().create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(403);
          assertThat(e.getMessage()).contains("PodSecurity");
        });
  }

  @Test
  void samplesPassTheCrdSchemaOnTheServer() {
    String namespace = envtest.createNamespace("deploy-samples");
    Command dryRun = kubectl.run("apply", "--dry-run=server", "-n", namespace, "-o", "name",
        "-f", DeployManifests.deployDir().resolve("samples").toString()).assertSucceeded();
    assertThat(dryRun.stdout().lines().toList()).hasSize(2)
        .allSatisfy(line -> assertThat(line).startsWith("postgrescluster.postgres.example.com/"));
  }

  /** How `kubectl -o name` names an object: kind.group/name, lower case, no group for core. */
  private static String kubectlName(HasMetadata object) {
    String apiVersion = object.getApiVersion();
    String group = apiVersion.contains("/") ? "." + apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    return object.getKind().toLowerCase() + group + "/" + object.getMetadata().getName();
  }

  private static boolean isZero(Object value) {
    return value instanceof Number n && n.doubleValue() == 0
        || Boolean.FALSE.equals(value)
        || "".equals(value)
        || value instanceof Map<?, ?> m && m.isEmpty()
        || value instanceof List<?> l && l.isEmpty();
  }

  /** Paths of {@code expected} that {@code actual} lacks or holds with another value. */
  private static List<String> missingFields(HasMetadata expected, HasMetadata actual) {
    List<String> missing = new ArrayList<>();
    compare(tree(expected), tree(actual), "", missing);
    return missing;
  }

  private static Object tree(HasMetadata object) {
    return DeployManifests.SERIALIZATION.convertValue(object, Map.class);
  }

  private static void compare(Object expected, Object actual, String path, List<String> missing) {
    if (actual == null && isZero(expected)) {
      return; // the server omits zero values (omitempty), e.g. a printer column's priority: 0
    }
    if (expected instanceof Map<?, ?> map) {
      if (!(actual instanceof Map<?, ?> actualMap)) {
        missing.add(path + " (expected an object, found " + actual + ")");
        return;
      }
      map.forEach((key, value) -> compare(value, actualMap.get(key), path + "." + key, missing));
    } else if (expected instanceof List<?> list) {
      if (!(actual instanceof List<?> actualList) || actualList.size() != list.size()) {
        missing.add(path + " (expected " + list + ", found " + actual + ")");
        return;
      }
      for (int i = 0; i < list.size(); i++) {
        compare(list.get(i), actualList.get(i), path + "[" + i + "]", missing);
      }
    } else if (actual == null || !String.valueOf(expected).equals(String.valueOf(actual))) {
      missing.add(path + " (expected " + expected + ", found " + actual + ")");
    }
  }
}
