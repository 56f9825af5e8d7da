package io.pgoperator.app.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log reading the failover tests rely on, on lines as the operator writes them. */
class ReplicaLogTest {

  private static final String P = "io.pgoperator.app.postgres.";

  @TempDir
  Path dir;

  @Test
  void reconcileWritesAreRecognisedAndEverythingElseIsNot() throws IOException {
    ReplicaLog log = log(
        line(P + "ChildWriter", "created Secret ns/a-credentials"),
        line(P + "ChildWriter", "updated StatefulSet ns/a (spec.replicas)"),
        line(P + "ChildWriter", "deleted Service ns/a-ro (a single instance has no replicas to read from)"),
        line(P + "PostgresClusterReconciler", "updated status of PostgresCluster ns/a: phase Provisioning, 0 of 1 instances ready"),
        line(P + "ChildWriter", "leaving Service ns/a-ro alone although x: it is not controlled by this cluster"),
        line(P + "EventRecorder", "could not record Normal event Created for PostgresCluster ns/a: refused"),
        line("io.pgoperator.runtime.leader.LeaseElector", "lost leadership of lease ns/l (term 1) as replica-1: x"),
        "OpenJDK 64-Bit Server VM warning: not JSON");

    assertThat(log.writesFrom(0)).extracting(ReplicaLog.Line::message).containsExactly(
        "created Secret ns/a-credentials",
        "updated StatefulSet ns/a (spec.replicas)",
        "deleted Service ns/a-ro (a single instance has no replicas to read from)",
        "updated status of PostgresCluster ns/a: phase Provisioning, 0 of 1 instances ready");
    assertThat(log.contains(ReplicaLog.statusWritten("ns", "a"))).isTrue();
    assertThat(log.contains(ReplicaLog.statusWritten("ns", "ab"))).isFalse();
  }

  @Test
  void linesFromAnOffsetAreOnlyThoseWrittenAfterIt() throws IOException {
    ReplicaLog log = log(line(P + "ChildWriter", "created Secret ns/a-credentials"));
    long mark = log.size();
    Files.writeString(log.file(), line(P + "ChildWriter", "created ConfigMap ns/a-config") + "\n{\"partial",
        java.nio.file.StandardOpenOption.APPEND);

    assertThat(log.writesFrom(mark)).extracting(ReplicaLog.Line::message)
        .containsExactly("created ConfigMap ns/a-config");
  }

  private ReplicaLog log(String... lines) throws IOException {
    Path file = dir.resolve("replica.log");
    Files.write(file, List.of(lines));
    return new ReplicaLog(file);
  }

  private static String line(String logger, String message) {
    return "{\"timestamp\":\"2026-01-01T00:00:00.000Z\",\"level\":\"INFO\",\"logger\":\"" + logger
        + "\",\"thread\":\"vert.x-eventloop-thread-1\",\"message\":\"" + message + "\"}";
  }
}
