package io.pgoperator.app.sizing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A JVM flag set: the image's own flags (read from the Dockerfile's ENTRYPOINT, so the benchmark
 * follows the image) under an emulated container limit. {@code -XX:MaxRAM} makes the JVM size
 * itself as in a container with that memory limit: max heap from {@code MaxRAMPercentage} and,
 * as important, the initial heap (1/64 of it). A bare {@code -Xmx} would not do: on a large host
 * the initial heap is 1/64 of the host's memory, and the big young generation that follows fills
 * RSS with garbage a container never sees. {@code -XX:ActiveProcessorCount=1} is what the JVM
 * detects under any CPU limit up to 1000m.
 */
record JvmProfile(String name, String container, List<String> flags) {

  private static final Pattern ENTRYPOINT = Pattern.compile("^ENTRYPOINT\\s*\\[(.*?)]", Pattern.MULTILINE | Pattern.DOTALL);
  /** {@code ENV NAME=value [NAME=value ...]} on one line (the form the Dockerfile uses). */
  private static final Pattern ENV = Pattern.compile("^ENV\\s+(\\S+=.*)$", Pattern.MULTILINE);
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

  /**
   * small (128Mi; a fixed 96m heap, since under about 256 MiB the JVM sizes the heap by {@code
   * MinRAMPercentage}, 50 %, not by the image's {@code MaxRAMPercentage}, and a tighter metaspace
   * cap), medium (512Mi, the Deployment's limit), large (1Gi).
   */
  static List<JvmProfile> defaults(Path dockerfile) {
    List<String> image = imageFlags(dockerfile);
    return List.of(
        new JvmProfile("small", "128Mi", with(image, "-XX:MaxRAM=128m", "-XX:ActiveProcessorCount=1",
            "-Xmx96m", "-XX:MaxMetaspaceSize=80m")),
        new JvmProfile("medium", "512Mi", with(image, "-XX:MaxRAM=512m", "-XX:ActiveProcessorCount=1")),
        new JvmProfile("large", "1Gi", with(image, "-XX:MaxRAM=1g", "-XX:ActiveProcessorCount=1")));
  }

  /** The profiles named in {@code names} (comma-separated), in that order. */
  static List<JvmProfile> select(List<JvmProfile> all, String names) {
    List<JvmProfile> chosen = new ArrayList<>();
    for (String name : names.split(",")) {
      chosen.add(all.stream().filter(p -> p.name().equals(name.trim())).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("unknown JVM profile '" + name.trim() + "'; known: "
              + all.stream().map(JvmProfile::name).toList())));
    }
    return chosen;
  }

  /**
   * The environment the Dockerfile's {@code ENV NAME=value ...} instructions give the JVM (e.g.
   * glibc's malloc settings); {@code extra} ({@code NAME=value,...}) is added and wins.
   */
  static Map<String, String> imageEnv(Path dockerfile, String extra) {
    Map<String, String> env = new LinkedHashMap<>();
    Matcher instruction = ENV.matcher(read(dockerfile).lines().filter(line -> !line.strip().startsWith("#"))
        .collect(Collectors.joining("\n")));
    while (instruction.find()) {
      for (String pair : instruction.group(1).trim().split("\\s+")) {
        put(env, pair, dockerfile.toString());
      }
    }
    for (String pair : extra.split(",")) {
      if (!pair.isBlank()) {
        put(env, pair.trim(), "-Dsizing.extra-env");
      }
    }
    return env;
  }

  private static void put(Map<String, String> env, String pair, String from) {
    int equals = pair.indexOf('=');
    if (equals <= 0) {
      throw new IllegalStateException("not NAME=value: '" + pair + "' in " + from);
    }
    env.put(pair.substring(0, equals), pair.substring(equals + 1).replaceAll("^\"|\"$", ""));
  }

  /** The arguments between {@code java} and {@code -jar} in the Dockerfile's ENTRYPOINT. */
  static List<String> imageFlags(Path dockerfile) {
    // Docker drops comment lines, also those inside an instruction.
    String instructions = read(dockerfile).lines().filter(line -> !line.strip().startsWith("#"))
        .collect(Collectors.joining("\n"));
    Matcher entrypoint = ENTRYPOINT.matcher(instructions);
    if (!entrypoint.find()) {
      throw new IllegalStateException("no exec-form ENTRYPOINT [...] in " + dockerfile);
    }
    List<String> words = new ArrayList<>();
    Matcher quoted = QUOTED.matcher(entrypoint.group(1));
    while (quoted.find()) {
      words.add(quoted.group(1));
    }
    int jar = words.indexOf("-jar");
    if (words.isEmpty() || !words.get(0).equals("java") || jar < 0) {
      throw new IllegalStateException("the ENTRYPOINT of " + dockerfile + " is not [\"java\", <flags>, \"-jar\", ...]: "
          + words);
    }
    return List.copyOf(words.subList(1, jar));
  }

  private static String read(Path dockerfile) {
    try {
      return Files.readString(dockerfile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the image's JVM settings from " + dockerfile, e);
    }
  }

  /** This profile with more flags, which win over its own. */
  JvmProfile with(String... extra) {
    return new JvmProfile(name, container, with(flags, extra));
  }

  /** Later flags win in HotSpot, so the additions override the image's where they overlap. */
  private static List<String> with(List<String> image, String... extra) {
    List<String> flags = new ArrayList<>(image);
    flags.addAll(Arrays.asList(extra));
    return List.copyOf(flags);
  }
}
