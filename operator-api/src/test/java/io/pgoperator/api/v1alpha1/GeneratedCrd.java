package io.pgoperator.api.v1alpha1;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test access to the CRD the plugin generated and to files under the repository's deploy/. */
final class GeneratedCrd {

  static final String FILE_NAME = "postgresclusters.postgres.example.com-v1.yml";
  static final String REGENERATE =
      "mvn -B -pl operator-api process-classes -Pupdate-crd";

  private GeneratedCrd() {
  }

  /** The CRD the crd-generator plugin wrote into target/classes during process-classes. */
  static String generatedText() {
    try (InputStream in = GeneratedCrd.class.getResourceAsStream("/META-INF/fabric8/" + FILE_NAME)) {
      if (in == null) {
        throw new IllegalStateException("META-INF/fabric8/" + FILE_NAME + " is not on the test"
            + " classpath: the crd-generator plugin did not run (build through Maven's"
            + " process-classes phase, e.g. mvn -pl operator-api test)");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CustomResourceDefinition generated() {
    return Serialization.unmarshal(generatedText(), CustomResourceDefinition.class);
  }

  static JSONSchemaProps rootSchema() {
    return generated().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
  }

  /** A file under the repository's deploy/ directory, found from the module's directory. */
  static Path deployFile(String relative) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("deploy").resolve(relative);
      if (Files.exists(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("deploy/" + relative + " not found above "
        + Path.of("").toAbsolutePath());
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
