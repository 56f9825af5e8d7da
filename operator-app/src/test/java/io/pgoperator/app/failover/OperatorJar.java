package io.pgoperator.app.failover;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/** The fat jar under test and the JVM that runs it: the test JVM's own {@code java}. */
final class OperatorJar {

  /** Small and quick to start: three of these share two cores with the API server and the tests. */
  static final List<String> JVM_FLAGS = List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-Xss512k");

  private OperatorJar() {}

  /**
   * {@code operator-app/target/operator.jar}, which Maven's package phase builds before Failsafe
   * runs; found from the module directory (Maven's working directory) or the repository root.
   */
  static Path locate() {
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
}
