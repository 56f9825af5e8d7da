package io.pgoperator.app.docs;

import io.pgoperator.runtime.testing.EnvtestBinaries;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a documented command as a reader pastes it: {@code bash -c}, from the repository root,
 * with the envtest {@code kubectl} first on {@code PATH} and {@code KUBECONFIG} set.
 */
public record Shell(Path kubeconfig) {

  /** What a command printed, and its exit code; -1 when it was still running at the deadline. */
  public record Result(String command, int exitCode, String stdout, String stderr) {

    public boolean stillRunning() {
      return exitCode == -1;
    }

    public String describe() {
      return "`" + command + "` " + (stillRunning() ? "was still running" : "exited " + exitCode)
          + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  /** Runs {@code command} to its end, for at most {@code deadline}. */
  public Result run(String command, Duration deadline) {
    return run(command, deadline, false);
  }

  /** Runs a command that never ends by itself (a watch) for {@code time}, then stops it. */
  public Result runFor(String command, Duration time) {
    return run(command, time, true);
  }

  private Result run(String command, Duration deadline, boolean endless) {
    try {
      Path out = Files.createTempFile("doc-command", ".out");
      Path err = Files.createTempFile("doc-command", ".err");
      try {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command)
            .directory(EnvtestBinaries.repositoryRoot().toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
        Map<String, String> env = builder.environment();
        env.put("PATH", EnvtestBinaries.locate().dir() + File.pathSeparator + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("KUBECONFIG", kubeconfig.toString());
        Process process = builder.start();
        boolean ended = process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
          process.descendants().forEach(ProcessHandle::destroy);
          process.destroy();
          process.waitFor(10, TimeUnit.SECONDS);
          if (!endless) {
            throw new AssertionError("`" + command + "` did not finish within " + deadline.toSeconds() + " s");
          }
        }
        return new Result(command, ended ? process.exitValue() : -1, Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run `" + command + "`", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running `" + command + "`", e);
    }
  }
}
