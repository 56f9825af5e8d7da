package io.pgoperator.app.postgres.local;

import io.pgoperator.runtime.testing.EnvtestBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/**
 * The PostgreSQL releases envtest/build.sh fetched ({@code envtest/postgres/versions.txt}) into
 * {@code <tool cache>/postgres/<version>-<os>-<arch>/}. PostgreSQL refuses to run as root, so when
 * the tests run as root the servers run as {@code nobody} ({@link LocalUser}), and the install is
 * copied once per JVM to a place that user can read when the cache is private to root.
 */
public record PostgresBinaries(String version, Path home) {

  public static List<String> versions() {
    try {
      return Files.readAllLines(EnvtestBinaries.repositoryRoot().resolve("envtest/postgres/versions.txt")).stream()
          .map(String::strip).filter(v -> !v.isEmpty()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read envtest/postgres/versions.txt", e);
    }
  }

  /** The newest release the tests run. */
  public static PostgresBinaries newest() {
    List<String> versions = versions();
    return of(versions.get(versions.size() - 1));
  }

  public static synchronized PostgresBinaries of(String version) {
    Path home = EnvtestBinaries.toolDir("postgres", version);
    if (!Files.isExecutable(home.resolve("bin/postgres"))) {
      throw new IllegalStateException("PostgreSQL " + version + " is missing from " + home + ". Fetch it once with: "
          + EnvtestBinaries.repositoryRoot().resolve(EnvtestBinaries.BUILD_COMMAND) + ", then run the tests again.");
    }
    return new PostgresBinaries(version, LocalUser.current().readable(home));
  }

  public Path bin() {
    return home.resolve("bin");
  }

  public Path bin(String tool) {
    return bin().resolve(tool);
  }

  /**
   * What a process running these binaries needs: their own libraries first. The build has no
   * run-time search path, so the server's walreceiver would otherwise load the machine's libpq
   * (Debian's PostgreSQL 15 client here), which cannot parse a newer release's primary_conninfo.
   */
  public java.util.Map<String, String> environment() {
    return java.util.Map.of("LD_LIBRARY_PATH", home.resolve("lib").toString());
  }

  /** The major version, e.g. 18. */
  public int major() {
    return Integer.parseInt(version.substring(0, version.indexOf('.')));
  }

  /** Copies {@code source} into {@code target}, keeping the executable bits, readable by all. */
  static void copyTree(Path source, Path target) {
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path copy = target.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(copy);
          Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        } else {
          Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + source + " to " + target, e);
    }
  }
}
