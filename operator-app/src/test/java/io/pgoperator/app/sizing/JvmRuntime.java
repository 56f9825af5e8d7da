package io.pgoperator.app.sizing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Java runtime the operator runs on: {@code java17} is the one running the tests (the source
 * level, what a user with a JDK 17 gets), {@code image} is a local JDK of the Dockerfile's base
 * image's major version (what the image ships). The image's flags are the same for both, less
 * those a runtime refuses or ignores (printed in the report).
 */
record JvmRuntime(String name, Path home, String version) {

  static final String TESTS = "java17";
  static final String IMAGE = "image";

  private static final Pattern FROM = Pattern.compile("^FROM\\s+\\S*temurin:(\\d+)\\S*", Pattern.MULTILINE);
  private static final Pattern VERSION = Pattern.compile("^JAVA_VERSION=\"([^\"]+)\"", Pattern.MULTILINE);
  private static final Pattern XX = Pattern.compile("^-XX:[+-]?([A-Za-z0-9_]+)(=.*)?$");
  private static final Pattern GC = Pattern.compile("^-XX:\\+Use[A-Za-z]*GC$");

  /** The runtimes named in {@code names} (comma-separated: {@value #TESTS}, {@value #IMAGE}), in that order. */
  static List<JvmRuntime> select(String names, Path dockerfile) {
    List<JvmRuntime> chosen = new ArrayList<>();
    for (String name : names.split(",")) {
      chosen.add(switch (name.trim()) {
        case TESTS -> of(TESTS, Paths.get(System.getProperty("java.home")));
        case IMAGE -> image(dockerfile);
        default -> throw new IllegalArgumentException("unknown runtime '" + name.trim() + "'; known: " + TESTS + ", "
            + IMAGE);
      });
    }
    return chosen;
  }

  /**
   * A local JDK of the base image's major version: {@code -Dsizing.image-java-home}, else
   * {@code JAVA_HOME_<major>} (as CI runners name them), else {@code /usr/lib/jvm/*<major>*}.
   */
  static JvmRuntime image(Path dockerfile) {
    int major = baseImageMajor(dockerfile);
    List<Path> candidates = new ArrayList<>();
    Optional.ofNullable(System.getProperty("sizing.image-java-home")).map(Paths::get).ifPresent(candidates::add);
    Optional.ofNullable(System.getenv("JAVA_HOME_" + major)).map(Paths::get).ifPresent(candidates::add);
    Optional.ofNullable(System.getenv("JAVA_HOME_" + major + "_X64")).map(Paths::get).ifPresent(candidates::add);
    Path jvms = Paths.get("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (DirectoryStream<Path> homes = Files.newDirectoryStream(jvms, "*" + major + "*")) {
        homes.forEach(candidates::add);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + jvms, e);
      }
    }
    for (Path home : candidates) {
      if (Files.isExecutable(home.resolve("bin/java"))) {
        JvmRuntime runtime = of(IMAGE, home);
        if (runtime.major() == major) {
          return runtime;
        }
      }
    }
    throw new IllegalStateException("the image runs Java " + major + " (" + dockerfile + "), and no local JDK " + major
        + " was found (tried " + candidates + "): pass -Dsizing.image-java-home=<a JDK " + major + ">, or measure only"
        + " the tests' Java with -Dsizing.runtimes=" + TESTS);
  }

  /** The major version in the Dockerfile's {@code FROM eclipse-temurin:<major>-...}. */
  static int baseImageMajor(Path dockerfile) {
    Matcher from = FROM.matcher(read(dockerfile));
    if (!from.find()) {
      throw new IllegalStateException("no FROM ...temurin:<major>... in " + dockerfile);
    }
    return Integer.parseInt(from.group(1));
  }

  private static JvmRuntime of(String name, Path home) {
    Matcher version = VERSION.matcher(read(home.resolve("release")));
    if (!version.find()) {
      throw new IllegalStateException("no JAVA_VERSION in " + home.resolve("release"));
    }
    return new JvmRuntime(name, home, version.group(1));
  }

  int major() {
    String first = version.split("[.+-]")[0];
    return Integer.parseInt(first);
  }

  Path tool(String tool) {
    return home.resolve("bin").resolve(tool);
  }

  /** A short label for the report: {@code java17}, {@code image-25}. */
  String label() {
    return name.equals(TESTS) ? "java" + major() : name + "-" + major();
  }

  /**
   * The {@code -XX} flags of {@code flags} this runtime refuses or ignores with a warning (e.g. one
   * it does not know, or string deduplication with the serial collector before Java 18): each is
   * tried with the list's collector and the flags before it that were accepted (alone, {@code
   * -XX:MaxHeapFreeRatio=20} would be refused against the default {@code MinHeapFreeRatio} of 40);
   * these are left out when it runs.
   */
  List<String> unsupportedFlags(List<String> flags) {
    List<String> collector = flags.stream().filter(flag -> GC.matcher(flag).matches()).toList();
    List<String> accepted = new ArrayList<>(collector);
    List<String> unsupported = new ArrayList<>();
    for (String flag : flags) {
      if (!XX.matcher(flag).matches() || collector.contains(flag)) {
        continue;
      }
      if (accepts(accepted, flag)) {
        accepted.add(flag);
      } else {
        unsupported.add(flag);
      }
    }
    return unsupported;
  }

  private boolean accepts(List<String> before, String flag) {
    List<String> command = new ArrayList<>(List.of(tool("java").toString()));
    command.addAll(before);
    command.addAll(List.of(flag, "-version"));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish");
      }
      return p.exitValue() == 0 && !out.toLowerCase(java.util.Locale.ROOT).contains("warning");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
