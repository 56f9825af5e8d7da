package io.pgoperator.app.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pgoperator.runtime.testing.EnvtestBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The install in deploy/, rendered by `kubectl kustomize` and parsed into fabric8 objects. */
final class DeployManifests {

  static final String NAMESPACE = "pg-operator-system";
  static final String SERVICE_ACCOUNT = "pg-operator";
  static final String REGENERATE = "kubectl kustomize deploy/ > deploy/install.yaml";

  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private static Rendered base;
  private static Rendered sharded;

  private DeployManifests() {}

  static Path deployDir() {
    return EnvtestBinaries.repositoryRoot().resolve("deploy");
  }

  /** `kubectl kustomize deploy/`, rendered once per test JVM. */
  static synchronized Rendered base() {
    if (base == null) {
      base = render(deployDir());
    }
    return base;
  }

  /** deploy/ with components/sharding, as a user's overlay lists it; rendered once per test JVM. */
  static synchronized Rendered sharded() {
    if (sharded == null) {
      sharded = render(overlay(deployDir().resolve("components/sharding")));
    }
    return sharded;
  }

  /**
   * A user's kustomization next to deploy/: the install plus these components, in a new temporary
   * directory (kustomize takes relative paths only).
   */
  static Path overlay(Path... components) {
    try {
      Path dir = Files.createTempDirectory("deploy-overlay");
      dir.toFile().deleteOnExit();
      StringBuilder kustomization = new StringBuilder("""
          apiVersion: kustomize.config.k8s.io/v1beta1
          kind: Kustomization
          resources:
            - %s
          components:
          """.formatted(dir.relativize(deployDir())));
      for (Path component : components) {
        kustomization.append("  - ").append(dir.relativize(component)).append('\n');
      }
      Path file = Files.writeString(dir.resolve("kustomization.yaml"), kustomization);
      file.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write an overlay of deploy/", e);
    }
  }

  static Rendered render(Path kustomization) {
    String yaml = Kubectl.local().run("kustomize", kustomization.toString()).assertSucceeded().stdout();
    return new Rendered(yaml, parse(yaml));
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Every object of a (multi-document) YAML stream; kinds fabric8 does not know come back generic. */
  static List<HasMetadata> parse(String yaml) {
    Object parsed = SERIALIZATION.unmarshal(yaml);
    if (parsed instanceof List<?> list) {
      return list.stream().map(HasMetadata.class::cast).toList();
    }
    if (parsed instanceof HasMetadata single) {
      return List.of(single);
    }
    throw new AssertionError("not Kubernetes objects: " + (parsed == null ? "nothing" : parsed.getClass()));
  }

  /** A plain YAML document (not a Kubernetes object) as maps and lists. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parseMap(String yaml) {
    return SERIALIZATION.unmarshal(yaml, Map.class);
  }

  /** Whether a selector with only matchLabels selects objects carrying these labels. */
  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) {
      throw new AssertionError("matchExpressions are not expected in deploy/: " + selector);
    }
    return selector.getMatchLabels() != null && !selector.getMatchLabels().isEmpty()
        && labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
  }

  record Rendered(String yaml, List<HasMetadata> objects) {

    <T extends HasMetadata> T one(Class<T> type) {
      List<T> found = all(type);
      if (found.size() != 1) {
        throw new AssertionError("expected exactly one " + type.getSimpleName() + ", found " + found.size());
      }
      return found.get(0);
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
      return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    HasMetadata kind(String kind) {
      List<HasMetadata> found = objects.stream().filter(o -> kind.equals(o.getKind())).toList();
      if (found.size() != 1) {
        throw new AssertionError("expected exactly one " + kind + ", found " + found.size());
      }
      return found.get(0);
    }

    /** A generic object's top-level field (spec of a ServiceMonitor, say) as maps and lists. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> field(KubernetesResource object, String name) {
      Map<String, Object> tree = SERIALIZATION.convertValue(object, Map.class);
      return (Map<String, Object>) tree.get(name);
    }
  }
}
