package io.pgoperator.app.postgres;

import io.pgoperator.app.postgres.local.InstanceKubelet;
import io.pgoperator.app.postgres.local.Psql;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks "at most one instance accepts writes" from outside the operator: round after round it
 * asks every instance directly (its local socket, as the superuser) for a transaction id, which
 * only an instance accepting writes hands out, and records each round in which two did.
 */
final class OnePrimaryProbe implements AutoCloseable {

  private final InstanceKubelet pods;
  private final int instances;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger rounds = new AtomicInteger();
  private final List<String> overlaps = new CopyOnWriteArrayList<>();
  private final Thread thread;

  private OnePrimaryProbe(InstanceKubelet pods, int instances) {
    this.pods = pods;
    this.instances = instances;
    this.thread = new Thread(this::run, "one-primary-probe");
    this.thread.setDaemon(true);
  }

  static OnePrimaryProbe start(InstanceKubelet pods, int instances) {
    OnePrimaryProbe probe = new OnePrimaryProbe(pods, instances);
    probe.thread.start();
    return probe;
  }

  private void run() {
    while (running.get()) {
      List<Integer> accepted = new ArrayList<>();
      for (int ordinal = 0; ordinal < instances; ordinal++) {
        Psql superuser = pods.pods().superuser(ordinal);
        Psql quick = new Psql(superuser.binaries(), superuser.host(), superuser.port(), superuser.user(), null,
            superuser.database());
        if (quick.run("SELECT txid_current()", List.of("connect_timeout=2")).succeeded()) {
          accepted.add(ordinal);
        }
      }
      rounds.incrementAndGet();
      if (accepted.size() > 1) {
        overlaps.add(System.currentTimeMillis() + ": instances " + accepted + " accepted writes");
      }
    }
  }

  int rounds() {
    return rounds.get();
  }

  List<String> overlaps() {
    return overlaps;
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(Duration.ofSeconds(70).toMillis());
  }
}
