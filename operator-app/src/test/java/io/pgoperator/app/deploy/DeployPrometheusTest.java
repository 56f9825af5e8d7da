package io.pgoperator.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.pgoperator.app.deploy.DeployManifests.Rendered;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optional Prometheus component: ServiceMonitor, PrometheusRule, and the same rules as a plain file. */
class DeployPrometheusTest {

  private static final Path COMPONENT = DeployManifests.deployDir().resolve("components/prometheus");
  private static final Path RULES_FILE = COMPONENT.resolve("alerts.rules.yml");

  private final Rendered component = DeployManifests.render(COMPONENT);

  @Test
  void promtoolAcceptsTheRulesFile() {
    Command check = Promtool.run("check", "rules", RULES_FILE.toString());
    assertThat(check.exitCode()).as(check.describe()).isZero();
  }

  @Test
  void prometheusRuleSpecIsTheRulesFile() {
    HasMetadata rule = component.kind("PrometheusRule");
    assertThat(rule.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(Rendered.field(rule, "spec"))
        .as("components/prometheus/prometheus-rule.yaml's spec must equal alerts.rules.yml; edit both together")
        .isEqualTo(DeployManifests.parseMap(DeployManifests.read(RULES_FILE)));
  }

  @Test
  void alertsCoverLeadershipErrorsBacklogAndScrapeFailures() {
    assertThat(alertNames()).contains(
        "PgOperatorNoLeader", "PgOperatorReconcileErrors", "PgOperatorWorkQueueBacklog", "PgOperatorCachesBehind",
        "PgOperatorDown",
        "PgOperatorSlotsUnowned", "PgOperatorSlotsOverOwned", "PgOperatorShardingBlocked");
  }

  @Test
  void serviceMonitorScrapesTheMetricsServiceUnderTheJobTheAlertsSelect() {
    Service service = DeployManifests.base().one(Service.class);
    HasMetadata monitor = component.kind("ServiceMonitor");
    assertThat(monitor.getMetadata().getNamespace()).isEqualTo(service.getMetadata().getNamespace());
    Map<String, Object> spec = Rendered.field(monitor, "spec");
    @SuppressWarnings("unchecked")
    Map<String, String> matchLabels = (Map<String, String>) ((Map<String, Object>) spec.get("selector")).get("matchLabels");
    assertThat(service.getMetadata().getLabels().entrySet()).containsAll(matchLabels.entrySet());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> endpoints = (List<Map<String, Object>>) spec.get("endpoints");
    assertThat(endpoints).extracting(e -> e.get("port")).containsExactly(service.getSpec().getPorts().get(0).getName());
    assertThat(endpoints).extracting(e -> e.get("path")).containsExactly("/metrics");

    // The Prometheus Operator names the job after the Service; every job matcher must use it.
    Pattern job = Pattern.compile("job=\"([^\"]*)\"");
    for (Map<String, Object> rule : rules()) {
      Matcher m = job.matcher((String) rule.get("expr"));
      while (m.find()) {
        assertThat(m.group(1)).as("job in " + rule.get("alert")).isEqualTo(service.getMetadata().getName());
      }
    }
  }

  @Test
  void componentAddsToTheBaseInAUsersKustomization(@TempDir Path dir) throws IOException {
    // kustomize takes relative paths only, as a user's overlay next to deploy/ would have.
    Files.writeString(dir.resolve("kustomization.yaml"), """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources:
          - %s
        components:
          - %s
        """.formatted(dir.relativize(DeployManifests.deployDir()), dir.relativize(COMPONENT)));
    Rendered combined = DeployManifests.render(dir);
    assertThat(combined.all(Deployment.class)).hasSize(1);
    assertThat(combined.objects()).extracting(HasMetadata::getKind).contains("ServiceMonitor", "PrometheusRule");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rules() {
    List<Map<String, Object>> groups =
        (List<Map<String, Object>>) DeployManifests.parseMap(DeployManifests.read(RULES_FILE)).get("groups");
    return groups.stream().flatMap(g -> ((List<Map<String, Object>>) g.get("rules")).stream()).toList();
  }

  private static List<Object> alertNames() {
    return rules().stream().map(r -> r.get("alert")).toList();
  }
}
