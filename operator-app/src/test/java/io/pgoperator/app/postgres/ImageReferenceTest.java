package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.api.v1alpha1.PostgresClusterSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "postgres", "postgres:17", "postgres:16.4-bookworm", "library/postgres:17",
      "docker.io/library/postgres:17", "localhost/postgres", "localhost:5000/pg/postgres:17",
      "registry.example.com:443/team/postgres_x__y--z:1",
      "ghcr.io/org/postgres@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "my-Registry.example.com/postgres:17"})
  void acceptsReferencesARuntimeCanPull(String image) {
    assertThat(ImageReference.problem(image)).isEmpty();
  }

  @Test
  void refusesARegistryHostComponentThatStartsOrEndsWithADash() {
    String image = "-bad-.example.com/postgres:17";
    assertThat(image).matches(PostgresClusterSpec.IMAGE_PATTERN);
    assertThat(ImageReference.problem(image)).get().asString()
        .contains("registry host '-bad-.example.com'").contains("'-bad-'");
  }

  @Test
  void refusesAnEmptyHostComponent() {
    assertThat(ImageReference.problem("registry..example.com/postgres")).get().asString()
        .contains("component ''");
  }

  @Test
  void refusesUpperCaseRepositoriesAndBadTagsAndDigests() {
    assertThat(ImageReference.problem("example.com/Postgres")).get().asString()
        .contains("path component 'Postgres'");
    assertThat(ImageReference.problem("postgres:.17")).get().asString().contains("tag '.17'");
    assertThat(ImageReference.problem("postgres@sha256:abc")).get().asString()
        .contains("digest 'sha256:abc'");
    assertThat(ImageReference.problem(" ")).get().asString().contains("empty");
  }

  @Test
  void refusesRepositoryNamesLongerThanRegistriesAccept() {
    String image = "example.com/" + "a".repeat(250) + ":17";
    assertThat(image).matches(PostgresClusterSpec.IMAGE_PATTERN);
    assertThat(ImageReference.problem(image)).get().asString().contains("longer than 255");
  }
}
