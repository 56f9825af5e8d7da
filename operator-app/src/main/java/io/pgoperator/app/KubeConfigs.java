package io.pgoperator.app;

import io.fabric8.kubernetes.client.Config;
import io.pgoperator.app.cli.OperatorOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the operator finds its cluster: --kubeconfig, else KUBECONFIG, ~/.kube/config or in-cluster. */
final class KubeConfigs {

  private KubeConfigs() {}

  static Config load(OperatorOptions options) {
    if (options.kubeconfig().isPresent()) {
      Path file = options.kubeconfig().get();
      try {
        return Config.fromKubeconfig(null, Files.readString(file), file.toString());
      } catch (IOException e) {
        throw new IllegalStateException("cannot read --kubeconfig " + file + ": " + e.getMessage(), e);
      }
    }
    return Config.autoConfigure(null);
  }
}
