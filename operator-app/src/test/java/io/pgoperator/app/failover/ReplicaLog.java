package io.pgoperator.app.failover;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A replica's stdout and stderr ({@code --log-format=json}: one object per line; anything else,
 * such as JVM warnings, is kept as a raw line). The process writes straight into the file, so its
 * size at a moment is exactly what had been logged by then: {@link #size()} marks a point in time
 * and {@link #linesFrom(long)} reads what came after it.
 */
final class ReplicaLog {

  /** A child created, updated or deleted ({@code ChildWriter}), or a status written. */
  private static final Pattern CHILD_WRITE = Pattern.compile("^(created|updated|deleted) \\S+ \\S+/\\S+.*");
  private static final String STATUS_WRITE = "updated status of PostgresCluster ";

  private final Path file;

  ReplicaLog(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  long size() {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stat replica log " + file, e);
    }
  }

  List<Line> lines() {
    return linesFrom(0);
  }

  /** Complete lines that start at or after byte {@code offset}. */
  List<Line> linesFrom(long offset) {
    if (!Files.exists(file)) {
      return List.of();
    }
    byte[] bytes;
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      bytes = new byte[(int) Math.max(0, length - offset)];
      in.seek(Math.min(offset, length));
      in.readFully(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read replica log " + file, e);
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    List<Line> lines = new ArrayList<>();
    if (end < 0) {
      return lines;
    }
    for (String raw : text.substring(0, end).split("\n", -1)) {
      lines.add(Line.parse(raw));
    }
    return lines;
  }

  boolean contains(Predicate<Line> match) {
    return lines().stream().anyMatch(match);
  }

  /** Successful reconcile writes (children, status) logged after {@code offset}. */
  List<Line> writesFrom(long offset) {
    return linesFrom(offset).stream().filter(Line::isReconcileWrite).toList();
  }

  /** The status write of one PostgresCluster, as {@code PostgresClusterReconciler} logs it. */
  static Predicate<Line> statusWritten(String namespace, String name) {
    String prefix = STATUS_WRITE + namespace + "/" + name + ":";
    return line -> line.message().startsWith(prefix);
  }

  void printTail(PrintStream out, int count) {
    List<String> raw;
    try {
      raw = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      out.println("cannot read " + file + ": " + e);
      return;
    }
    out.println("---- last " + Math.min(count, raw.size()) + " lines of " + file.toAbsolutePath() + " ----");
    raw.subList(Math.max(0, raw.size() - count), raw.size()).forEach(out::println);
  }

  /** One log line; for a non-JSON line, level and logger are empty and message is the raw text. */
  record Line(String timestamp, String level, String logger, String message, String raw) {

    static Line parse(String raw) {
      if (raw.startsWith("{")) {
        try {
          JsonObject json = new JsonObject(raw);
          return new Line(json.getString("timestamp", ""), json.getString("level", ""),
              json.getString("logger", ""), json.getString("message", ""), raw);
        } catch (DecodeException notJson) {
          // fall through: a partial or foreign line
        }
      }
      return new Line("", "", "", raw, raw);
    }

    boolean isReconcileWrite() {
      return (logger.endsWith(".ChildWriter") && CHILD_WRITE.matcher(message).matches())
          || (logger.endsWith(".PostgresClusterReconciler") && message.startsWith(STATUS_WRITE));
    }

    boolean messageStartsWith(String prefix) {
      return message.startsWith(prefix);
    }
  }
}
