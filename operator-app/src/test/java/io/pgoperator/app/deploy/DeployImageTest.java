package io.pgoperator.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.pgoperator.runtime.testing.EnvtestBinaries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile (reviewed, not built: no Docker engine here) runs the fat jar on a Temurin JRE
 * (an LTS release at least the bytecode level, 17) as the user the Deployment expects, with the JVM
 * flags, and only those, that deploy/README.md's table explains.
 */
class DeployImageTest {

  private static final Pattern BASE_IMAGE = Pattern.compile("eclipse-temurin:(\\d+)-jre\\S*");
  private static final Pattern FLAG_ROW = Pattern.compile("^\\| `(-[^`]+)` \\|", Pattern.MULTILINE);

  private final Map<String, List<String>> instructions = instructions();
  private final PodSpec pod = DeployManifests.base().one(Deployment.class).getSpec().getTemplate().getSpec();

  @Test
  void runsTheFatJarOnALtsJreWithTheDocumentedJvmFlags() {
    Matcher base = BASE_IMAGE.matcher(instructions.get("FROM").get(0));
    assertThat(base.matches()).as("FROM %s", instructions.get("FROM")).isTrue();
    assertThat(Integer.parseInt(base.group(1))).as("an LTS Java at least the bytecode level")
        .isGreaterThanOrEqualTo(17).matches(major -> major % 4 == 1, "is an LTS release (17, 21, 25, ...)");
    assertThat(instructions.get("COPY")).contains("operator-app/target/operator.jar /app/operator.jar");
    List<String> entrypoint = Arrays.asList(DeployManifests.SERIALIZATION.unmarshal(
        instructions.get("ENTRYPOINT").get(0), String[].class));
    List<String> expected = new ArrayList<>();
    expected.add("java");
    expected.addAll(documentedFlags());
    expected.addAll(List.of("-jar", "/app/operator.jar"));
    assertThat(entrypoint).as("ENTRYPOINT in exec form, so SIGTERM reaches the JVM, with the flags of deploy/README.md's"
        + " table in its order").isEqualTo(expected);
  }

  /** The first column of the table under "### JVM flags" in deploy/README.md. */
  private static List<String> documentedFlags() {
    String readme = DeployManifests.read(EnvtestBinaries.repositoryRoot().resolve("deploy/README.md"));
    String section = readme.substring(readme.indexOf("### JVM flags"));
    section = section.substring(0, section.indexOf("\n## "));
    List<String> flags = new ArrayList<>();
    Matcher row = FLAG_ROW.matcher(section);
    while (row.find()) {
      flags.add(row.group(1));
    }
    return flags;
  }

  @Test
  void runsAsTheNonRootUserTheDeploymentDeclares() {
    String user = pod.getSecurityContext().getRunAsUser() + ":" + pod.getSecurityContext().getRunAsGroup();
    assertThat(instructions.get("USER")).containsExactly(user);
    assertThat(user).doesNotStartWith("0:");
  }

  @Test
  void exposesTheMetricsAndProbePortsOfTheContainer() {
    List<String> containerPorts = pod.getContainers().get(0).getPorts().stream()
        .map(ContainerPort::getContainerPort).map(String::valueOf).toList();
    List<String> exposed = instructions.get("EXPOSE").stream().flatMap(e -> Arrays.stream(e.split("\\s+"))).toList();
    assertThat(exposed).containsExactlyInAnyOrderElementsOf(containerPorts);
  }

  /** Instruction → arguments, in order; continuation lines joined and comments dropped as Docker does. */
  private static Map<String, List<String>> instructions() {
    String text = DeployManifests.read(EnvtestBinaries.repositoryRoot().resolve("Dockerfile"));
    Map<String, List<String>> result = new LinkedHashMap<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.length() == 0)) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      String instruction = current.toString().strip();
      current.setLength(0);
      if (instruction.isEmpty()) {
        continue;
      }
      String[] parts = instruction.split("\\s+", 2);
      result.computeIfAbsent(parts[0].toUpperCase(), k -> new ArrayList<>()).add(parts.length > 1 ? parts[1].strip() : "");
    }
    return result;
  }
}
