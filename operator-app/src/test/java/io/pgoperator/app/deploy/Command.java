package io.pgoperator.app.deploy;

import io.pgoperator.runtime.testing.EnvtestBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command-line tool from the repository root and captures what it printed. */
record Command(String command, int exitCode, String stdout, String stderr) {

  static Command run(List<String> args) {
    String shown = String.join(" ", args);
    try {
      Path out = Files.createTempFile("deploy-test", ".out");
      Path err = Files.createTempFile("deploy-test", ".err");
      try {
        Process process = new ProcessBuilder(args)
            .directory(EnvtestBinaries.repositoryRoot().toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError("`" + shown + "` did not finish within 120 s");
        }
        return new Command(shown, process.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run `" + shown + "`", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running `" + shown + "`", e);
    }
  }

  /** Fails with the command and everything it printed unless it exited 0. */
  Command assertSucceeded() {
    if (exitCode != 0) {
      throw new AssertionError(describe());
    }
    return this;
  }

  String describe() {
    return "`" + command + "` exited " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
  }
}
