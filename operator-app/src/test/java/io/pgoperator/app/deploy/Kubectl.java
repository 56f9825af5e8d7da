package io.pgoperator.app.deploy;

import io.pgoperator.runtime.testing.EnvtestBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** kubectl from the envtest binaries, local (kustomize) or against one API server. */
record Kubectl(Path binary, Path kubeconfig) {

  static Kubectl local() {
    return new Kubectl(EnvtestBinaries.locate().kubectl(), null);
  }

  static Kubectl against(String kubeconfigYaml) {
    try {
      Path file = Files.createTempFile("deploy-it-kubeconfig", ".yaml");
      file.toFile().deleteOnExit();
      Files.writeString(file, kubeconfigYaml);
      return new Kubectl(EnvtestBinaries.locate().kubectl(), file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a kubeconfig for kubectl", e);
    }
  }

  Command run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    if (kubeconfig != null) {
      command.add("--kubeconfig=" + kubeconfig);
    }
    command.addAll(List.of(args));
    return Command.run(command);
  }
}
