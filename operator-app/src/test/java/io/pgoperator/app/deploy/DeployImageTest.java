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
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile (reviewed, not built: no Docker engine here) runs the fat jar on a JRE 17 as the
 * user the Deployment expects, with the JVM flags deploy/README.md documents.
 */
class DeployImageTest {

  static final List<String> JVM_FLAGS = List.of(
      "-XX:MaxRAMPercentage=75",
      "-XX:+UseSerialGC",
      "-XX:+ExitOnOutOfMemoryError",
      "-Xss512k",
      "-XX:MaxMetaspaceSize=96m",
      "-XX:TieredStopAtLevel=1",
      "-XX:ReservedCodeCacheSize=32m");

  private final Map<String, List<String>> instructions = instructions();
  private final PodSpec pod = DeployManifests.base().one(Deployment.class).getSpec().getTemplate().getSpec();

  @Test
  void runsTheFatJarOnAJre17WithTheDocumentedJvmFlags() {
    assertThat(instructions.get("FROM")).singleElement().asString().matches("eclipse-temurin:17-jre.*|.*distroless/java17.*");
    assertThat(instructions.get("COPY")).contains("operator-app/target/operator.jar /app/operator.jar");
    List<String> entrypoint = Arrays.asList(DeployManifests.SERIALIZATION.unmarshal(
        instructions.get("ENTRYPOINT").get(0), String[].class));
    List<String> expected = new ArrayList<>();
    expected.add("java");
    expected.addAll(JVM_FLAGS);
    expected.addAll(List.of("-jar", "/app/operator.jar"));
    assertThat(entrypoint).as("ENTRYPOINT in exec form, so SIGTERM reaches the JVM").isEqualTo(expected);
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
