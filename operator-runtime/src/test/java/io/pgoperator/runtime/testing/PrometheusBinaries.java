package io.pgoperator.runtime.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where {@code promtool} and {@code prometheus} are: {@code <cache>/prometheus/<version>-<os>-<arch>/}
 * as envtest/build.sh builds them (cache as in {@link EnvtestBinaries#cacheDir()}, version from
 * {@code envtest/prometheus/version.txt}), else the first of each on {@code PATH}.
 */
public final class PrometheusBinaries {

  private PrometheusBinaries() {}

  public static Path promtool() {
    return locate("promtool");
  }

  public static Path prometheus() {
    return locate("prometheus");
  }

  /** The cache directory for the pinned version, whether or not it is filled yet. */
  public static Path cachedDir() {
    Path root = EnvtestBinaries.repositoryRoot();
    String version;
    try {
      version = Files.readString(root.resolve("envtest/prometheus/version.txt")).trim();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read envtest/prometheus/version.txt under " + root, e);
    }
    return EnvtestBinaries.toolDir("prometheus", version);
  }

  private static Path locate(String binary) {
    return locate(binary, cachedDir(), System.getenv().getOrDefault("PATH", ""));
  }

  /** {@code binary} in {@code cacheDir}, else the first on {@code path}; fails naming the build script. */
  static Path locate(String binary, Path cacheDir, String path) {
    Path cached = cacheDir.resolve(binary);
    if (Files.isExecutable(cached)) {
      return cached;
    }
    return onPath(binary, path).orElseThrow(() -> new IllegalStateException(binary + " is missing: neither "
        + cached + " nor on PATH. Build promtool and prometheus once with: "
        + EnvtestBinaries.repositoryRoot().resolve(EnvtestBinaries.BUILD_COMMAND)
        + " (several minutes the first time), then run the tests again."));
  }

  private static Optional<Path> onPath(String binary, String path) {
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
        return Optional.of(Path.of(dir, binary));
      }
    }
    return Optional.empty();
  }
}
