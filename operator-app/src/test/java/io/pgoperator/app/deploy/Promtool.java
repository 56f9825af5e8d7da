package io.pgoperator.app.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Debian's promtool (package prometheus; .ci/run installs it). */
final class Promtool {

  private Promtool() {}

  static Command run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(locate().toString());
    command.addAll(List.of(args));
    return Command.run(command);
  }

  private static Path locate() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path candidate = Path.of(dir, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError("promtool is not on PATH; install it with `apt-get install prometheus`"
        + " (Debian's package, as .ci/run does)");
  }
}
