package io.pgoperator.app.postgres.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * psql to one local pod: over TCP to 127.0.0.1 as a client elsewhere in the cluster network would
 * connect, or with {@code host} a socket directory, as a process inside the pod would.
 */
public record Psql(PostgresBinaries binaries, String host, int port, String user, String password, String database) {

  /** Over TCP. */
  public Psql(PostgresBinaries binaries, int port, String user, String password, String database) {
    this(binaries, "127.0.0.1", port, user, password, database);
  }

  /** What one psql run printed (unaligned, tuples only) and how it ended. */
  public record Result(int exitCode, String output) {

    public boolean succeeded() {
      return exitCode == 0;
    }

    /** The output, failing with it unless psql exited 0. */
    public String value() {
      if (exitCode != 0) {
        throw new AssertionError("psql exited " + exitCode + ": " + output);
      }
      return output.strip();
    }
  }

  public Result run(String sql) {
    return run(sql, List.of());
  }

  /** Runs {@code sql} with extra connection parameters (e.g. {@code sslmode=require}). */
  public Result run(String sql, List<String> connectionParameters) {
    List<String> conninfo = new ArrayList<>(List.of("host=" + host, "port=" + port, "user=" + user,
        "dbname=" + database, "connect_timeout=10"));
    conninfo.addAll(connectionParameters);
    ProcessBuilder builder = new ProcessBuilder(binaries.bin("psql").toString(), "--no-psqlrc", "-X", "-A", "-t",
        "-v", "ON_ERROR_STOP=1", "-d", String.join(" ", conninfo), "-c", sql)
        .redirectErrorStream(true);
    builder.environment().putAll(binaries.environment());
    builder.environment().put("PGPASSWORD", password == null ? "" : password);
    builder.environment().put("PGCONNECT_TIMEOUT", "10");
    try {
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("psql did not finish: " + sql);
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run psql", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  public String value(String sql) {
    return run(sql).value();
  }
}
