package io.pgoperator.app.failover;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The fat jar under test and the JVM that runs it: the test JVM's own {@code java}. */
public final class OperatorJar {

  /** Small and quick to start: three of these share two cores with the API server and the tests. */
  public static final List<String> JVM_FLAGS = List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-Xss512k");

  private OperatorJar() {}

  /**
   * {@code operator-app/target/operator.jar}, which Maven's package phase builds before Failsafe
   * runs; found from the module directory (Maven's working directory) or the repository root.
   */
  public static Path locate() {
    Path cwd = Paths.get("").toAbsolutePath();
    for (Path candidate : List.of(cwd.resolve("target/operator.jar"), cwd.resolve("operator-app/target/operator.jar"))) {
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("the operator's fat jar is missing: looked for target/operator.jar and "
        + "operator-app/target/operator.jar under " + cwd + ". Run mvn package first (mvn -B -pl operator-app -am "
        + "package -DskipTests), or run these tests through mvn verify, which packages before integration tests.");
  }

  static String java() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Starts one replica of {@code jar} (leader election on, one namespace watched, JSON logs to
   * {@code logFile}) and returns at once. Its client announces itself as {@code <identity>/<agent>};
   * Events name their reporting instance after HOSTNAME, as in a pod.
   */
  public static Process start(Path jar, String identity, String agent, Path kubeconfig, String namespace,
      int probePort, int metricsPort, List<String> flags, Path logFile) {
    return start(jar, identity, agent, kubeconfig, namespace, probePort, metricsPort, flags, logFile, Map.of());
  }

  /** Like the above, with {@code env} added to the process's environment (e.g. a Pod's downward API). */
  public static Process start(Path jar, String identity, String agent, Path kubeconfig, String namespace,
      int probePort, int metricsPort, List<String> flags, Path logFile, Map<String, String> env) {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(JVM_FLAGS);
    command.add("-Dkubernetes.user.agent=" + identity + "/" + agent);
    command.addAll(List.of("-jar", jar.toString(),
        "--leader-elect",
        "--kubeconfig=" + kubeconfig,
        "--health-probe-bind-address=127.0.0.1:" + probePort,
        "--metrics-bind-address=127.0.0.1:" + metricsPort,
        "--leader-election-namespace=" + namespace,
        "--watch-namespace=" + namespace,
        "--identity=" + identity,
        "--log-format=json"));
    command.addAll(flags);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(logFile.toFile());
    builder.environment().put("HOSTNAME", identity);
    builder.environment().remove("KUBECONFIG");
    builder.environment().putAll(env);
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start operator replica " + identity + ": " + command, e);
    }
  }
}
