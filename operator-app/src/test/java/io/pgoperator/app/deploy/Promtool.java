package io.pgoperator.app.deploy;

import io.pgoperator.runtime.testing.PrometheusBinaries;
import java.util.ArrayList;
import java.util.List;

/** promtool as envtest/build.sh builds it ({@link PrometheusBinaries}). */
final class Promtool {

  private Promtool() {}

  static Command run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(PrometheusBinaries.promtool().toString());
    command.addAll(List.of(args));
    return Command.run(command);
  }
}
