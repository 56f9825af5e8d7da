package io.pgoperator.runtime.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the envtest binaries are: {@code <base>/k8s/<version>-<os>-<arch>/{etcd,kube-apiserver,
 * kubectl}}, base {@code KUBE_API_TEST_DIR} or {@code ~/.kubeapitest}, version from
 * {@code envtest/k8s-version.txt} at the repository root.
 */
public record EnvtestBinaries(Path baseDir, String version, Path dir) {

  public static final String BUILD_COMMAND = "envtest/build.sh";

  public static EnvtestBinaries locate() {
    Path root = repositoryRoot();
    String version;
    try {
      version = Files.readString(root.resolve("envtest/k8s-version.txt")).trim();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read envtest/k8s-version.txt under " + root, e);
    }
    Path base = cacheDir();
    Path dir = base.resolve("k8s").resolve(version + "-" + PLATFORM);
    for (String binary : new String[] {"etcd", "kube-apiserver", "kubectl"}) {
      if (!Files.isExecutable(dir.resolve(binary))) {
        throw new IllegalStateException("envtest binary " + dir.resolve(binary) + " is missing. Build etcd, "
            + "kube-apiserver and kubectl v" + version + " once with: " + root.resolve(BUILD_COMMAND)
            + " (several minutes the first time), then run the tests again.");
      }
    }
    return new EnvtestBinaries(base, version, dir);
  }

  /** {@code <os>-<arch>} as envtest/build.sh names its version directories, e.g. linux-amd64. */
  public static final String PLATFORM = platform();

  /** {@code <cache>/<tool>/<version>-<os>-<arch>}, where envtest/build.sh puts a tool's binaries. */
  public static Path toolDir(String tool, String version) {
    return cacheDir().resolve(tool).resolve(version + "-" + PLATFORM);
  }

  private static String platform() {
    String os = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).startsWith("mac") ? "darwin" : "linux";
    String arch = switch (System.getProperty("os.arch")) {
      case "aarch64", "arm64" -> "arm64";
      default -> "amd64";
    };
    return os + "-" + arch;
  }

  /** The tool cache envtest/build.sh fills: {@code KUBE_API_TEST_DIR}, else {@code ~/.kubeapitest}. */
  public static Path cacheDir() {
    String env = System.getenv("KUBE_API_TEST_DIR");
    return env != null && !env.isBlank() ? Paths.get(env) : Paths.get(System.getProperty("user.home"), ".kubeapitest");
  }

  public Path kubectl() {
    return dir.resolve("kubectl");
  }

  /** The directory holding envtest/, found upwards from the working directory. */
  public static Path repositoryRoot() {
    Path dir = Paths.get("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("envtest/k8s-version.txt"))) {
        return p;
      }
    }
    throw new IllegalStateException("no envtest/k8s-version.txt above " + dir);
  }
}
