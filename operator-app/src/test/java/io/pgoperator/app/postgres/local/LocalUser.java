package io.pgoperator.app.postgres.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Who the PostgreSQL processes of the tests run as: the user running the tests, or, when that is
 * root (as in CI; PostgreSQL refuses root), {@code nobody} through {@code setpriv}. A pod runs them
 * as uid 999 the same way.
 */
final class LocalUser {

  private static final String UNPRIVILEGED = "nobody";
  private static LocalUser current;

  private final boolean root;
  private final Map<Path, Path> readableCopies = new HashMap<>();

  private LocalUser(boolean root) {
    this.root = root;
  }

  static synchronized LocalUser current() {
    if (current == null) {
      current = new LocalUser("root".equals(System.getProperty("user.name")));
    }
    return current;
  }

  /** The command that runs {@code command} as this user. */
  List<String> command(List<String> command) {
    List<String> full = new ArrayList<>();
    if (root) {
      full.addAll(List.of("setpriv", "--reuid=" + UNPRIVILEGED, "--regid=nogroup", "--clear-groups", "--"));
    }
    full.addAll(command);
    return full;
  }

  /** Makes {@code dir} (created if needed; or a file) and everything in it this user's own. */
  Path own(Path dir) {
    try {
      if (!Files.isRegularFile(dir)) {
        Files.createDirectories(dir);
      }
      if (root) {
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path file : files.toList()) {
            PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            view.setOwner(users.lookupPrincipalByName(UNPRIVILEGED));
            view.setGroup(users.lookupPrincipalByGroupName("nogroup"));
          }
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hand " + dir + " to the PostgreSQL user", e);
    }
  }

  /**
   * {@code install} itself when this user can run it; for root's private cache, a copy under the
   * temporary directory that {@code nobody} can read (once per JVM).
   */
  synchronized Path readable(Path install) {
    if (!root) {
      return install;
    }
    return readableCopies.computeIfAbsent(install, source -> {
      try {
        Path copy = Files.createTempDirectory("pg-binaries-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LocalPods.deleteTree(copy), "pg-binaries-cleanup"));
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        PostgresBinaries.copyTree(source, copy);
        return copy;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot copy " + source + " for the PostgreSQL user", e);
      }
    });
  }
}
