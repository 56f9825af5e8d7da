package io.pgoperator.runtime.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Installs CRDs on a real API server: {@link Envtest}, or one a test starts itself. */
public final class Crds {

  private Crds() {
  }

  /** Applies CRDs from YAML files (server-side) and waits until each is established. */
  public static void install(KubernetesClient client, List<Path> files) {
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        for (HasMetadata object : client.load(in).items()) {
          CustomResourceDefinition crd = (CustomResourceDefinition) object;
          client.resource(crd).forceConflicts().serverSideApply();
          awaitEstablished(client, crd.getMetadata().getName());
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot read CRD file " + file, e);
      }
    }
  }

  /** Waits until the CRD with this name serves its resource. */
  public static void awaitEstablished(KubernetesClient client, String crdName) {
    client.apiextensions().v1().customResourceDefinitions().withName(crdName)
        .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
            && c.getStatus().getConditions().stream()
                .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
            Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
  }
}
