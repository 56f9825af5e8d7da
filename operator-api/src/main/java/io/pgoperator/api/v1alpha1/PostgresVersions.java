package io.pgoperator.api.v1alpha1;

import java.util.List;

/** Supported major versions and the image each one runs by default. */
public final class PostgresVersions {

  public static final List<Integer> SUPPORTED = List.of(15, 16, 17, 18);
  public static final int DEFAULT = 17;
  public static final String DEFAULT_REPOSITORY = "postgres";

  private PostgresVersions() {
  }

  public static boolean isSupported(int major) {
    return SUPPORTED.contains(major);
  }

  /** {@code postgres:<major>}: the official image, whose PostgreSQL programs the instance script runs. */
  public static String defaultImage(int major) {
    if (!isSupported(major)) {
      throw new IllegalArgumentException("PostgreSQL major version " + major
          + " is not supported; use one of " + SUPPORTED);
    }
    return DEFAULT_REPOSITORY + ":" + major;
  }

  /** The image a cluster runs: its override, else the default for its (defaulted) version. */
  public static String imageFor(PostgresClusterSpec spec) {
    if (spec.getImage() != null && !spec.getImage().isBlank()) {
      return spec.getImage();
    }
    return defaultImage(majorOf(spec));
  }

  /** The spec's version, or {@link #DEFAULT} when unset (the API server defaults it too). */
  public static int majorOf(PostgresClusterSpec spec) {
    return spec.getPostgresVersion() == null ? DEFAULT : spec.getPostgresVersion();
  }
}
