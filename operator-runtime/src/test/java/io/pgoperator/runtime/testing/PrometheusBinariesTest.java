package io.pgoperator.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrometheusBinariesTest {

  @TempDir Path dir;

  private Path executable(Path folder, String name) throws IOException {
    Files.createDirectories(folder);
    return Files.createFile(folder.resolve(name),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
  }

  @Test
  void theCacheTheBuildScriptFillsWinsOverPath() throws IOException {
    Path cached = executable(dir.resolve("cache"), "promtool");
    executable(dir.resolve("bin"), "promtool");

    assertThat(PrometheusBinaries.locate("promtool", dir.resolve("cache"), dir.resolve("bin").toString()))
        .isEqualTo(cached);
  }

  @Test
  void pathIsTheFallback() throws IOException {
    Path onPath = executable(dir.resolve("bin"), "prometheus");

    assertThat(PrometheusBinaries.locate("prometheus", dir.resolve("empty-cache"),
        dir.resolve("nothing") + ":" + dir.resolve("bin"))).isEqualTo(onPath);
  }

  @Test
  void aMissingToolNamesTheScriptThatBuildsIt() throws IOException {
    Files.createDirectories(dir.resolve("cache"));
    Files.createFile(dir.resolve("cache/promtool")); // there, but not executable: half-installed

    assertThatThrownBy(() -> PrometheusBinaries.locate("promtool", dir.resolve("cache"), ""))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("promtool is missing")
        .hasMessageContaining("envtest/build.sh");
  }
}
