package io.pgoperator.app.sizing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/** {@code operator-app/target/operator.jar}, which Maven's package phase builds before Failsafe runs. */
final class OperatorJar {

  private OperatorJar() {}

  static Path locate() {
    Path cwd = Paths.get("").toAbsolutePath();
    for (Path candidate : List.of(cwd.resolve("target/operator.jar"), cwd.resolve("operator-app/target/operator.jar"))) {
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("the operator's fat jar is missing under " + cwd + ": run mvn -B -pl operator-app -am"
        + " package -DskipTests first, or run the benchmark through mvn verify, which packages before it.");
  }
}
