package io.pgoperator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresVersionsTest {

  @Test
  void defaultImageIsTheOfficialImageTaggedWithTheMajorVersion() {
    assertThat(PostgresVersions.defaultImage(15)).isEqualTo("postgres:15");
    assertThat(PostgresVersions.defaultImage(17)).isEqualTo("postgres:17");
  }

  @Test
  void unsupportedVersionIsRefusedWithTheSupportedList() {
    assertThatThrownBy(() -> PostgresVersions.defaultImage(14))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("14").hasMessageContaining("[15, 16, 17, 18]");
  }

  @Test
  void imageOverrideWinsOverTheVersionDefault() {
    PostgresClusterSpec spec = new PostgresClusterSpec();
    spec.setPostgresVersion(16);
    assertThat(PostgresVersions.imageFor(spec)).isEqualTo("postgres:16");
    spec.setImage("registry.example.com:5000/db/postgres:16.4-bookworm");
    assertThat(PostgresVersions.imageFor(spec))
        .isEqualTo("registry.example.com:5000/db/postgres:16.4-bookworm");
  }

  @Test
  void unsetVersionMeansTheDefault() {
    PostgresClusterSpec spec = new PostgresClusterSpec();
    spec.setPostgresVersion(null);
    assertThat(PostgresVersions.majorOf(spec)).isEqualTo(17);
    assertThat(PostgresVersions.imageFor(spec)).isEqualTo("postgres:17");
  }

  @Test
  void imagePatternAcceptsCommonReferencesAndRejectsJunk() {
    java.util.regex.Pattern p = java.util.regex.Pattern.compile(PostgresClusterSpec.IMAGE_PATTERN);
    assertThat(p.matcher("postgres:17").matches()).isTrue();
    assertThat(p.matcher("docker.io/library/postgres:16.4").matches()).isTrue();
    assertThat(p.matcher("localhost:5000/pg@sha256:" + "a".repeat(64)).matches()).isTrue();
    assertThat(p.matcher("Postgres").matches()).isFalse();
    assertThat(p.matcher("postgres:17 ; rm -rf /").matches()).isFalse();
    assertThat(p.matcher("").matches()).isFalse();
  }
}
