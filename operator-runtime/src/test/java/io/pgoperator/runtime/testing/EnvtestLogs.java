package io.pgoperator.runtime.testing;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * The API server's and etcd's output, which logback-test.xml routes to
 * {@code target/envtest/kube-api-test.log}, kept after the run for diagnosis.
 */
public final class EnvtestLogs {

  public static final Path FILE = Paths.get("target", "envtest", "kube-api-test.log");
  private static final int TAIL = 40;

  private EnvtestLogs() {}

  public static void printTail(PrintStream out) {
    try {
      if (!Files.exists(FILE)) {
        return;
      }
      List<String> lines = Files.readAllLines(FILE);
      out.println("---- last " + Math.min(TAIL, lines.size()) + " lines of " + FILE.toAbsolutePath() + " ----");
      lines.subList(Math.max(0, lines.size() - TAIL), lines.size()).forEach(out::println);
      out.println("---- end of envtest log ----");
    } catch (IOException e) {
      out.println("cannot read " + FILE + ": " + e);
    }
  }
}
