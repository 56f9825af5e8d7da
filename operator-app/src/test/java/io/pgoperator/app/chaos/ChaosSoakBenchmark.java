// Run (numbers only, never fails on them; about 11 minutes with the default 10-minute soak, 3 with -Dchaos.duration=2m):
// mvn -B -pl operator-app -am verify -Dit.test=ChaosSoakBenchmark -Dgroups=benchmark -DexcludedGroups= \
//   -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
// Options: -Dchaos.duration=2m (soak length, Go syntax), -Dchaos.seed=<n> (replay a fault schedule),
//   -Dchaos.flags="--lease-duration=4s --renew-deadline=3s --retry-period=1s" (operator flags; these are the default)
// Results: operator-app/target/chaos/ChaosSoakBenchmark/results.txt; replica logs and the audit log next to it.
package io.pgoperator.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.app.failover.AuditedApiServer;
import io.pgoperator.app.failover.OperatorJar;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.chaos.AuditTrail.Call;
import io.pgoperator.app.chaos.AuditTrail.EarlyTakeover;
import io.pgoperator.app.chaos.AuditTrail.Stale;
import io.pgoperator.app.chaos.FaultRecord.Kind;
import io.pgoperator.app.chaos.LeaseSampler.Gap;
import io.pgoperator.app.cli.GoDuration;
import io.pgoperator.runtime.testing.EnvtestBinaries;
import io.pgoperator.runtime.testing.faults.Fault;
import io.pgoperator.runtime.testing.faults.FaultProxy;
import io.pgoperator.runtime.testing.faults.Selector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A chaos soak: three operator processes (the fat jar, leader election on, fast timings) talk to
 * an audited real kube-apiserver through a {@link FaultProxy}, each as a ServiceAccount of its own,
 * while the admin, straight on the API server, churns PostgresClusters (creates, spec updates,
 * deletes; 20-50 live) and a seeded random fault hits every ~20 s: SIGKILL, SIGTERM or SIGSTOP of
 * the leader, or a black hole, a 503 storm or a full outage of the API for every replica. The
 * benchmark also stands in for the garbage collector envtest lacks (children of deleted clusters
 * are deleted 5-15 s later), or their Services would exhaust the API server's service IPs. After
 * the soak every fault is lifted and the benchmark waits (bounded) for convergence, then reports:
 * convergence, writes by a replica after its term ended (from the audit log), lost updates,
 * leaderless time, reconciles per second, processes that exited on their own, and the fault
 * schedule with per-fault recovery times. Writes results.txt; fails only when the harness breaks
 * (the API server or the replicas cannot be started, the churn cannot talk to the API server).
 */
@Tag("benchmark")
class ChaosSoakBenchmark {

  private static final Path DIR = Paths.get("target", "chaos", "ChaosSoakBenchmark");
  private static final String NAMESPACE = "chaos-soak";
  private static final String LEASE = "pg-operator.postgres.example.com";
  private static final List<String> REPLICAS = List.of("replica-1", "replica-2", "replica-3");
  private static final String DEFAULT_FLAGS = "--lease-duration=4s --renew-deadline=3s --retry-period=1s";
  private static final int MIN_LIVE = 20;
  private static final int MAX_LIVE = 50;
  private static final int INITIAL = 25;
  private static final Duration FIRST_FAULT = Duration.ofSeconds(20);
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(120);
  private static final Duration CONVERGENCE_BOUND = Duration.ofSeconds(120);
  private static final Duration LEADER_BOUND = Duration.ofSeconds(60);
  private static final Duration RESTARTS_BOUND = Duration.ofSeconds(180);
  /** The stand-in garbage collector's period, and how long after a cluster's deletion it removes its children. */
  private static final Duration GC_PERIOD = Duration.ofSeconds(10);
  private static final Duration GC_AGE = Duration.ofSeconds(5);
  /** A continuously failing /healthz this long would have a liveness probe restart the pod. */
  private static final Duration LIVENESS = Duration.ofSeconds(30);

  // ---- configuration ----
  private final long seed = Long.getLong("chaos.seed", System.nanoTime());
  private final Duration soak = goDuration(System.getProperty("chaos.duration", "10m"));
  private final List<String> flags = Arrays.asList(System.getProperty("chaos.flags", DEFAULT_FLAGS).trim().split("\\s+"));
  private final Duration leaseDuration = flag("--lease-duration", Duration.ofSeconds(15));

  // ---- state shared by the threads of the soak ----
  private AuditedApiServer server;
  private FaultProxy proxy;
  private Fleet fleet;
  private Churn churn;
  private LeaseSampler sampler;
  private final List<FaultRecord> faults = new CopyOnWriteArrayList<>();
  private final Map<String, List<Instant>> sigterms = new LinkedHashMap<>();
  private volatile boolean networkFault;
  private volatile Instant soakStart;
  private volatile Instant soakDeadline;
  private volatile Throwable faultLoopFailure;
  private int gcFailures;

  @Test
  void soak() throws Exception {
    System.out.println("[chaos] seed " + seed + " (replay with -Dchaos.seed=" + seed + "), soak " + soak
        + ", operator flags " + flags);
    cleanDir();
    Outcome outcome = new Outcome();
    Throwable harness = null;
    ScheduledExecutorService background = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "chaos-sampler");
      t.setDaemon(true);
      return t;
    });
    Thread faultThread = null;
    try {
      server = AuditedApiServer.start(DIR);
      KubernetesClient admin = server.client();
      server.installCrd(EnvtestBinaries.repositoryRoot().resolve("deploy/crd/postgresclusters.postgres.example.com-v1.yml"));
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
          .create();
      proxy = FaultProxy.start(server.config());
      Map<String, Path> kubeconfigs = new LinkedHashMap<>();
      Duration validity = soak.plus(Duration.ofHours(2));
      for (String replica : REPLICAS) {
        String token = ReplicaIdentities.token(admin, server.config(), NAMESPACE, replica, validity);
        proxy.name(token, replica);
        kubeconfigs.put(replica, ReplicaIdentities.kubeconfig(DIR.resolve("kubeconfig-" + replica + ".yaml"),
            proxy.url(), proxy.caCertificatePem(), replica, token, NAMESPACE));
      }
      fleet = new Fleet(OperatorJar.locate(), NAMESPACE, DIR, flags, kubeconfigs);
      fleet.startAll();
      outcome.firstLeader = awaitLeader(Duration.ofSeconds(120))
          .orElseThrow(() -> new IllegalStateException("no replica took the Lease within 120s of starting"));

      sampler = new LeaseSampler(admin, NAMESPACE, LEASE,
          (holder, renewTime) -> !networkFault && fleet.runningHolder(holder, renewTime).isPresent());
      background.scheduleAtFixedRate(quietly(sampler::sample), 0, LeaseSampler.PERIOD.toMillis(), TimeUnit.MILLISECONDS);
      background.scheduleWithFixedDelay(quietly(fleet::scrapeAll), 1, 5, TimeUnit.SECONDS);

      Random churnRandom = new Random(seed ^ 0x5DEECE66DL);
      churn = new Churn(admin, NAMESPACE, churnRandom, MIN_LIVE, MAX_LIVE);
      soakStart = Instant.now();
      soakDeadline = soakStart.plus(soak);
      for (int i = 0; i < INITIAL; i++) {
        churn.create(churnRandom.nextBoolean() ? 3 : 1, churnRandom.nextBoolean() ? "8MB" : null);
      }
      faultThread = new Thread(this::faultLoop, "chaos-faults");
      faultThread.setDaemon(true);
      faultThread.start();

      // the churn, on the test thread, with the stand-in garbage collector every 10 s
      Instant nextCollection = Instant.now().plus(GC_PERIOD);
      while (Instant.now().isBefore(soakDeadline) && faultLoopFailure == null) {
        churn.step();
        if (Instant.now().isAfter(nextCollection)) {
          nextCollection = Instant.now().plus(GC_PERIOD);
          try {
            churn.collectGarbage(GC_AGE);
          } catch (KubernetesClientException e) {
            gcFailures++;
          }
        }
        if (churn.consecutiveErrors() >= 30) {
          throw new IllegalStateException("the churn failed 30 times in a row talking straight to the API server: "
              + churn.errorSamples());
        }
        Thread.sleep(300 + churnRandom.nextInt(900));
      }
      outcome.churnEnd = Instant.now();
      faultThread.join(Duration.ofMinutes(8).toMillis());
      if (faultThread.isAlive()) {
        throw new IllegalStateException("the fault loop did not finish within 8 minutes of the soak's end");
      }
      if (faultLoopFailure != null) {
        throw new IllegalStateException("the fault loop failed: " + faultLoopFailure, faultLoopFailure);
      }

      // lift everything, let the fleet come back whole, then wait for convergence
      liftAll();
      fleet.awaitRestarts(RESTARTS_BOUND);
      for (String replica : REPLICAS) {
        if (fleet.running(replica).isEmpty()) {
          throw new IllegalStateException(fleet.current(replica) + " is not running after every fault was lifted");
        }
      }
      outcome.allLifted = Instant.now();
      outcome.finalLeader = awaitLeader(LEADER_BOUND).orElse(null);
      outcome.leaderAfterLift = outcome.finalLeader == null ? null : Instant.now();
      long end = System.nanoTime() + CONVERGENCE_BOUND.toNanos();
      do {
        outcome.convergence = Convergence.check(admin, NAMESPACE, churn.all());
        if (outcome.convergence.done()) {
          outcome.convergedAt = Instant.now();
          break;
        }
        Thread.sleep(2000);
      } while (System.nanoTime() - end < 0);
      fleet.scrapeAll();
      outcome.finalScrape = Instant.now();
    } catch (Throwable e) {
      harness = e;
      if (fleet != null) {
        fleet.printTails(System.err);
      }
    } finally {
      if (faultThread != null && faultThread.isAlive()) {
        faultThread.interrupt();
        faultThread.join(10_000);
      }
      background.shutdownNow();
      background.awaitTermination(10, TimeUnit.SECONDS);
      if (proxy != null) {
        try {
          proxy.assertEventLoopNeverBlocked();
          outcome.proxyHealthy = "its event loop was never blocked";
        } catch (AssertionError e) {
          outcome.proxyHealthy = "ITS EVENT LOOP WAS BLOCKED (timings are suspect): " + e.getMessage();
        }
        try {
          proxy.clear();
          proxy.outage(false);
        } catch (RuntimeException e) {
          System.err.println("cannot lift the proxy's faults: " + e);
        }
      }
      if (fleet != null) {
        fleet.close();
      }
      if (proxy != null) {
        try {
          proxy.close();
        } catch (RuntimeException e) {
          System.err.println("cannot close the fault proxy: " + e);
        }
      }
      try {
        if (server != null && soakStart != null) {
          outcome.audit = AuditTrail.read(server.auditLogFile(), NAMESPACE);
        }
      } catch (RuntimeException e) {
        System.err.println("cannot read the audit log: " + e);
        if (harness == null) {
          harness = e;
        }
      }
      if (server != null) {
        server.close();
      }
    }
    if (soakStart != null) {
      String report = report(outcome, harness);
      System.out.println(report);
      write(DIR.resolve("results.txt"), report);
    }
    if (harness != null) {
      throw new AssertionError("the chaos soak's harness failed: " + harness, harness);
    }
    assertThat(outcome.audit).as("the audit log was read").isNotNull();
  }

  /** What the soak found; filled in as it goes, so a broken harness still reports what it has. */
  private static final class Outcome {
    String firstLeader;
    String finalLeader;
    Instant churnEnd;
    Instant allLifted;
    Instant leaderAfterLift;
    Instant convergedAt;
    Instant finalScrape;
    Convergence convergence;
    AuditTrail audit;
    String proxyHealthy = "not checked";
  }

  // ---- faults ----

  private void faultLoop() {
    Random random = new Random(seed);
    Kind[] kinds = Kind.values();
    Instant next = soakStart.plus(FIRST_FAULT);
    int number = 0;
    try {
      while (true) {
        sleepUntil(next.isBefore(soakDeadline) ? next : soakDeadline);
        if (!Instant.now().isBefore(soakDeadline)) {
          return;
        }
        fleet.awaitRestarts(RESTARTS_BOUND);
        // draw the same values for every fault, so a seed replays the same schedule
        Kind kind = kinds[random.nextInt(kinds.length)];
        double fraction = random.nextDouble();
        Duration restartDelay = Duration.ofMillis(2000 + random.nextInt(3001));
        Duration gap = Duration.ofMillis(15_000 + random.nextInt(10_001));
        FaultRecord fault = apply(++number, kind, fraction, restartDelay);
        faults.add(fault);
        System.out.println("[chaos] fault " + fault.number + " " + fault.kind + " " + fault.target + " held "
            + (fault.held() == null ? "-" : fault.held().toMillis() + " ms") + ", recovered " + FaultRecord.millis(fault.lifted, fault.recoveredAt()) + " ms after the lift "
            + fault.note);
        Instant settled = fault.recoveredAt() != null ? fault.recoveredAt() : Instant.now();
        Instant byGap = fault.start.plus(gap);
        Instant bySettle = settled.plusSeconds(5);
        next = byGap.isAfter(bySettle) ? byGap : bySettle;
      }
    } catch (Throwable e) {
      if (!(e instanceof InterruptedException) && !Thread.currentThread().isInterrupted()) {
        faultLoopFailure = e;
        e.printStackTrace();
      }
    }
  }

  private FaultRecord apply(int number, Kind kind, double fraction, Duration restartDelay) throws InterruptedException {
    switch (kind) {
      case SIGKILL, SIGTERM, SIGSTOP -> {
        Optional<String> leader = awaitLeader(LEADER_BOUND);
        FaultRecord fault = new FaultRecord(number, kind, Instant.now());
        if (leader.isEmpty()) {
          fault.note = "skipped: no running replica held the Lease within " + LEADER_BOUND.toSeconds() + "s";
          return fault;
        }
        OperatorProcess target = fleet.current(leader.get());
        fault.target = target.identity() + "#" + target.incarnation();
        if (kind == Kind.SIGKILL) {
          target.kill();
          fault.lifted = Instant.now();
          fleet.restartAfterKill(target, restartDelay);
          fault.note = "restart after " + restartDelay.toMillis() + " ms";
        } else if (kind == Kind.SIGTERM) {
          synchronized (sigterms) {
            sigterms.computeIfAbsent(target.identity(), k -> new ArrayList<>()).add(Instant.now());
          }
          target.terminate();
          fault.lifted = Instant.now();
          fleet.restartAfterExit(target);
          fault.note = "restart after exit";
        } else {
          Duration stop = leaseDuration.plusMillis((long) (fraction * 6000));
          target.pause();
          Thread.sleep(stop.toMillis());
          target.resume();
          target.forgetHealthzFailures();
          fault.lifted = Instant.now();
        }
        recover(fault);
        return fault;
      }
      case BLACKHOLE, STATUS_503, OUTAGE -> {
        Duration hold = kind == Kind.OUTAGE
            ? Duration.ofMillis(20_000 + (long) (fraction * 40_000))
            : Duration.ofMillis(5_000 + (long) (fraction * 25_000));
        FaultRecord fault = new FaultRecord(number, kind, Instant.now());
        fault.target = "all replicas";
        networkFault = true;
        try {
          switch (kind) {
            case BLACKHOLE -> proxy.inject(Selector.any(), Fault.blackhole());
            case STATUS_503 -> proxy.inject(Selector.any(), Fault.status(503));
            default -> proxy.outage(true);
          }
          Thread.sleep(hold.toMillis());
        } finally {
          if (kind == Kind.OUTAGE) {
            proxy.outage(false);
          } else {
            proxy.clear();
          }
          networkFault = false;
        }
        fault.lifted = Instant.now();
        recover(fault);
        return fault;
      }
      default -> throw new IllegalStateException("unknown fault " + kind);
    }
  }

  /**
   * Right after the lift: create a probe PostgresCluster, then poll (bounded) until a running
   * replica holds a valid Lease and the probe is reconciled (observedGeneration = generation and
   * its StatefulSet exists). The probe is deleted afterwards.
   */
  private void recover(FaultRecord fault) throws InterruptedException {
    KubernetesClient admin = server.client();
    String probe = String.format("probe-%03d", fault.number);
    fault.probe = probe;
    Churn.Tracked tracked = null;
    try {
      tracked = churn.createProbe(probe);
    } catch (RuntimeException e) {
      fault.note = (fault.note + " probe not created: " + e.getMessage()).trim();
      return;
    }
    Instant deadline = fault.lifted.plus(RECOVERY_BOUND);
    while (Instant.now().isBefore(deadline) && (fault.leaderAt == null || fault.probeReconciledAt == null)) {
      try {
        if (fault.leaderAt == null) {
          Optional<String> holder = validRunningHolder();
          if (holder.isPresent()) {
            fault.leaderAt = Instant.now();
            fault.leader = holder.get();
          }
        }
        if (fault.probeReconciledAt == null) {
          PostgresCluster cluster = admin.resources(PostgresCluster.class).inNamespace(NAMESPACE).withName(probe).get();
          if (cluster != null && cluster.getStatus() != null
              && cluster.getMetadata().getGeneration().equals(cluster.getStatus().getObservedGeneration())
              && admin.resources(StatefulSet.class).inNamespace(NAMESPACE).withName(probe).get() != null) {
            fault.probeReconciledAt = Instant.now();
          }
        }
      } catch (RuntimeException e) {
        // the admin's own request failed; poll again
      }
      Thread.sleep(100);
    }
    if (fault.recoveredAt() == null) {
      fault.note = (fault.note + " NOT recovered within " + RECOVERY_BOUND.toSeconds() + "s of the lift").trim();
    }
    try {
      churn.delete(tracked);
    } catch (RuntimeException e) {
      fault.note = (fault.note + " probe not deleted: " + e.getMessage()).trim();
    }
  }

  private void liftAll() {
    proxy.clear();
    proxy.outage(false);
    networkFault = false;
    fleet.resumeAll();
  }

  // ---- the Lease ----

  /** The holder of a valid Lease (renewed within its duration) whose current process runs and made that renewal. */
  private Optional<String> validRunningHolder() {
    Lease lease = server.client().leases().inNamespace(NAMESPACE).withName(LEASE).get();
    if (lease == null || lease.getSpec() == null || lease.getSpec().getHolderIdentity() == null
        || lease.getSpec().getHolderIdentity().isEmpty() || lease.getSpec().getRenewTime() == null) {
      return Optional.empty();
    }
    int seconds = lease.getSpec().getLeaseDurationSeconds() == null ? 0 : lease.getSpec().getLeaseDurationSeconds();
    if (!Instant.now().isBefore(lease.getSpec().getRenewTime().toInstant().plusSeconds(seconds))) {
      return Optional.empty();
    }
    String holder = lease.getSpec().getHolderIdentity();
    return fleet.runningHolder(holder, lease.getSpec().getRenewTime().toInstant()).isPresent()
        ? Optional.of(holder) : Optional.empty();
  }

  private Optional<String> awaitLeader(Duration bound) throws InterruptedException {
    long end = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() - end < 0) {
      try {
        Optional<String> holder = validRunningHolder();
        if (holder.isPresent()) {
          return holder;
        }
      } catch (RuntimeException e) {
        // poll again
      }
      Thread.sleep(100);
    }
    return Optional.empty();
  }

  // ---- report ----

  private String report(Outcome o, Throwable harness) {
    StringBuilder out = new StringBuilder();
    Instant soakEnd = o.allLifted != null ? o.allLifted : Instant.now();
    out.append("\nChaos soak benchmark: ").append(REPLICAS.size()).append(" operator processes (fat jar, ")
        .append(String.join(" ", OperatorJar.JVM_FLAGS)).append(") behind a fault proxy on a real kube-apiserver\n");
    out.append("seed ").append(seed).append(" (replay the fault schedule with -Dchaos.seed=").append(seed)
        .append("); soak ").append(human(soak)).append("; operator flags: ").append(String.join(" ", flags)).append('\n');
    if (harness != null) {
      out.append("HARNESS FAILURE (numbers below are partial): ").append(harness).append('\n');
    }
    if (churn != null) {
      out.append(String.format(Locale.ROOT, "churn (admin, straight to the API server): %d creates (%d initial), %d spec"
              + " updates, %d deletes, %d failed requests; %d live at the end (target %d-%d) + %d recovery probes%n",
          churn.creates(), INITIAL, churn.updates(), churn.deletes(), churn.errors(), churn.liveCount(), MIN_LIVE,
          MAX_LIVE, faults.stream().filter(f -> !f.probe.isEmpty()).count()));
      if (!churn.errorSamples().isEmpty()) {
        out.append("  churn errors, first ones: ").append(churn.errorSamples()).append('\n');
      }
    }

    // 1. convergence
    out.append("\n1. Convergence after every fault was lifted (bound ").append(CONVERGENCE_BOUND.toSeconds())
        .append(" s): ");
    Convergence c = o.convergence;
    if (c == null) {
      out.append("not checked\n");
    } else {
      out.append(c.done() ? "CONVERGED" : "NOT CONVERGED").append(String.format(Locale.ROOT,
          ": %d of %d live PostgresClusters reconciled (observedGeneration = generation; StatefulSet replicas ="
              + " spec.instances; ConfigMap <name>-config with spec's work_mem; Secret <name>-credentials;"
              + " <name>-ro Service and PodDisruptionBudget iff instances > 1)", c.converged, c.liveOnServer));
      if (o.convergedAt != null) {
        out.append(" in ").append(Duration.between(o.allLifted, o.convergedAt).toMillis()).append(" ms");
      }
      out.append('\n');
      c.problems.stream().limit(20).forEach(p -> out.append("   ").append(p.cluster()).append(": ").append(p.why())
          .append('\n'));
      if (c.problems.size() > 20) {
        out.append("   ... ").append(c.problems.size() - 20).append(" more\n");
      }
      long deleted = churn.all().stream().filter(t -> !t.live()).count();
      out.append("   deleted clusters: ").append(deleted).append(" (probes included). envtest runs no garbage collector;"
          + " the benchmark stands in for it during the soak (every ").append(GC_PERIOD.toSeconds())
          .append(" s, children of clusters deleted ").append(GC_AGE.toSeconds()).append(" s ago or more): ")
          .append(churn.collected()).append(" children deleted").append(gcFailures == 0 ? "" : ", " + gcFailures
              + " passes failed").append(";\n     of those, created after their cluster's deletion (a reconcile racing"
              + " the delete; harmless): ").append(churn.lateChildren()).append('\n');
      churn.lateSamples().stream().limit(5).forEach(x -> out.append("       ").append(x).append('\n'));
      out.append("   children of deleted clusters still present at the end (not collected since the soak ended; not"
          + " failures): ").append(c.leftovers.values().stream().mapToInt(Integer::intValue).sum()).append(' ')
          .append(c.leftovers).append(", all owner-referenced to a deleted cluster\n");
      out.append("   stray children (no PostgresCluster owner, or a wrong one): ").append(c.strays.size()).append('\n');
      c.strays.stream().limit(10).forEach(s -> out.append("     ").append(s).append('\n'));
    }

    // 2. stale writes
    out.append("\n2. Writes by a replica after its term ended (audit log; expected 0)\n");
    AuditTrail audit = o.audit;
    if (audit == null) {
      out.append("   audit log not read\n");
    } else {
      List<Call> byReplicas = audit.byReplicas();
      List<Call> writes = audit.replicaWrites();
      List<Call> acquisitions = audit.acquisitions(LEASE);
      List<Stale> afterHandover = audit.writesAfterHandover(LEASE);
      List<Stale> outsideTerm = audit.writesOutsideAnyTerm(LEASE, leaseDuration);
      Map<String, List<Instant>> terms;
      synchronized (sigterms) {
        terms = new LinkedHashMap<>(sigterms);
      }
      List<EarlyTakeover> early = audit.earlyTakeovers(LEASE, leaseDuration, terms);
      long unexplained = early.stream().filter(e -> !e.afterSigterm()).count();
      out.append(String.format(Locale.ROOT, "   %d requests by the replicas' ServiceAccounts, %d of them writes"
              + " (not Leases); %d successful Lease writes, %d acquisitions (handovers)%n", byReplicas.size(),
          writes.size(), audit.leaseWrites(LEASE).size(), acquisitions.size()));
      long union = java.util.stream.Stream.concat(afterHandover.stream(), outsideTerm.stream())
          .map(x -> x.write().auditId()).distinct().count();
      out.append("   WRITES AFTER THE WRITER'S TERM ENDED: ").append(union).append(" (either rule below)\n");
      out.append("   received after another replica's acquisition that followed the writer's own last acquisition: ")
          .append(afterHandover.size()).append('\n');
      afterHandover.stream().limit(20).forEach(s -> out.append("     ").append(rel(s.write().received())).append(' ')
          .append(s.write()).append(" - ").append(s.why()).append('\n'));
      out.append("   received more than the lease duration (").append(leaseDuration.toMillis())
          .append(" ms) after the writer's last successful Lease write (outside any term it could hold): ")
          .append(outsideTerm.size()).append('\n');
      outsideTerm.stream().limit(20).forEach(s -> out.append("     ").append(rel(s.write().received())).append(' ')
          .append(s.write()).append(" - ").append(s.why()).append('\n'));
      out.append("   Lease acquisitions less than the lease duration after the previous holder's last successful write: ")
          .append(early.size()).append(" (").append(early.size() - unexplained)
          .append(" right after a release by a SIGTERMed holder - expected; ").append(unexplained)
          .append(" otherwise - expected 0)\n");
      early.stream().filter(e -> !e.afterSigterm()).limit(10).forEach(e -> out.append("     ")
          .append(rel(e.acquisition().received())).append(' ').append(e.acquisition().replica()).append(" took over ")
          .append(e.gap().toMillis()).append(" ms after ").append(e.previous().replica()).append("'s last write\n"));
      long forbidden = byReplicas.stream().filter(x -> x.code() == 403).count();
      out.append("   sanity: requests by replicas answered 403 (RBAC): ").append(forbidden).append('\n');
      out.append("   handovers: ").append(acquisitions.stream().map(a -> rel(a.received()) + " " + a.replica())
          .collect(Collectors.joining(", "))).append('\n');
    }

    // 3. lost updates
    out.append("\n3. Lost updates (spec changes whose generation never reached status.observedGeneration, live"
        + " clusters; expected 0): ");
    if (c == null) {
      out.append("not checked\n");
    } else {
      long changes = churn.all().stream().filter(Churn.Tracked::live).mapToLong(t -> t.updates.size()).sum();
      out.append(c.lostUpdates.size()).append(" of ").append(changes)
          .append(" generations written to live clusters (creates included)\n");
      c.lostUpdates.stream().limit(20).forEach(l -> out.append("     ").append(l.cluster()).append(' ')
          .append(l.update().what()).append(" -> generation ").append(l.update().generation())
          .append(", observedGeneration ").append(l.observedGeneration()).append('\n'));
    }

    // 4. leaderless time
    out.append("\n4. Leaderless time over the soak (").append(soakStart == null ? "-" : human(Duration.between(soakStart,
        soakEnd))).append(", from the first churn to every fault lifted; Lease polled every ")
        .append(LeaseSampler.PERIOD.toMillis()).append(" ms by the admin)\n");
    if (sampler != null) {
      List<Gap> leaseGaps = sampler.leaseGaps(soakStart, soakEnd);
      List<Gap> effectiveGaps = sampler.effectiveGaps(soakStart, soakEnd);
      Duration window = Duration.between(soakStart, soakEnd);
      out.append("   Lease: no holder, or renewTime + leaseDurationSeconds past: ").append(gapSummary(leaseGaps, window))
          .append('\n');
      out.append("   effective: the above, or the holder's process dead/SIGSTOPped, or every replica cut off by a"
          + " network fault: ").append(gapSummary(effectiveGaps, window)).append('\n');
      out.append("   Lease polls failed: ").append(sampler.failures()).append(" of ")
          .append(sampler.samples().size() + sampler.failures()).append('\n');
      for (FaultRecord f : faults) {
        Instant to = f.recoveredAt() != null ? f.recoveredAt() : (f.lifted != null ? f.lifted.plus(RECOVERY_BOUND)
            : f.start);
        f.leaderless = LeaseSampler.overlap(leaseGaps, f.start, to);
      }
    }

    // 5. reconciles per second
    out.append("\n5. Reconciles per second\n");
    if (fleet != null && o.finalScrape != null) {
      double total = fleet.every().stream().mapToDouble(OperatorProcess::reconcileTotal).sum();
      Duration span = Duration.between(soakStart, o.finalScrape);
      out.append(String.format(Locale.ROOT, "   /metrics controller_runtime_reconcile_total, summed over every process"
              + " (last scrape of each, every 5 s; a killed process's last seconds are missed): %.0f in %s = %.2f/s%n",
          total, human(span), total / Math.max(1, span.toMillis() / 1000.0)));
    }
    if (audit != null && soakStart != null) {
      Instant to = o.finalScrape != null ? o.finalScrape : soakEnd;
      Duration span = Duration.between(soakStart, to);
      double seconds = Math.max(1, span.toMillis() / 1000.0);
      long statusWrites = audit.replicaWrites().stream()
          .filter(x -> x.resource().equals("postgresclusters/status") && x.succeeded()).count();
      long allWrites = audit.replicaWrites().stream().filter(AuditTrail.Call::succeeded).count();
      out.append(String.format(Locale.ROOT, "   audit log: %d successful status updates = %.2f/s; %d successful writes"
          + " (children, status, events) = %.2f/s%n", statusWrites, statusWrites / seconds, allWrites, allWrites / seconds));
    }

    // 6. restarts needed
    out.append("\n6. Restarts needed (processes that exited without a signal from the benchmark; expected 0): ");
    if (fleet != null) {
      out.append(fleet.selfExits().size()).append('\n');
      fleet.selfExits().forEach(e -> out.append("     ").append(e.identity()).append('#').append(e.incarnation())
          .append(" exit ").append(e.exitCode()).append(" at ").append(rel(e.at())).append(", log ")
          .append(e.log().toAbsolutePath()).append('\n'));
      List<OperatorProcess> unhealthy = fleet.every().stream()
          .filter(p -> p.longestHealthzFailure().compareTo(LIVENESS) >= 0).toList();
      out.append("   /healthz failing for ").append(LIVENESS.toSeconds())
          .append(" s or more in a row (a liveness probe would restart it): ").append(unhealthy.size())
          .append(unhealthy.isEmpty() ? "" : " " + unhealthy).append('\n');
      long signalled = faults.stream().filter(f -> (f.kind == Kind.SIGKILL || f.kind == Kind.SIGTERM)
          && !f.target.isEmpty()).count();
      out.append("   restarts by the benchmark (after its SIGKILL/SIGTERM): ").append(signalled).append("; processes run: ")
          .append(fleet.every().size()).append('\n');
      fleet.anomalies().forEach(a -> out.append("   note: ").append(a).append('\n'));
    }

    // 7. fault schedule
    out.append("\n7. Faults (seed ").append(seed).append("). t = seconds since the soak began; 'lifted' = the signal"
        + " for SIGKILL/SIGTERM, SIGCONT for SIGSTOP, the proxy cleared for network faults;\n   leader = a running"
        + " replica holds a valid Lease; probe = a PostgresCluster created right after the lift is reconciled;"
        + " leaderless = Lease-leaderless ms from the fault's start to recovery.\n");
    String row = "%3s %7s %-10s %-14s %8s %13s %13s %14s %15s %11s  %s%n";
    out.append(String.format(Locale.ROOT, row, "#", "t(s)", "kind", "target", "held ms", "lift->leader", "lift->probe",
        "start->recov", "new leader", "leaderless", "note"));
    for (FaultRecord f : faults) {
      Duration held = f.held();
      out.append(String.format(Locale.ROOT, row, f.number, String.format(Locale.ROOT, "%.1f", seconds(f.start)),
          f.kind, f.target, held == null ? "-" : held.toMillis(), dash(FaultRecord.millis(f.lifted, f.leaderAt)),
          dash(FaultRecord.millis(f.lifted, f.probeReconciledAt)), dash(FaultRecord.millis(f.start, f.recoveredAt())),
          f.leader.isEmpty() ? "-" : f.leader, f.leaderless.toMillis(), f.note));
    }
    Map<Kind, List<FaultRecord>> byKind = faults.stream().collect(Collectors.groupingBy(f -> f.kind, TreeMap::new,
        Collectors.toList()));
    out.append("\n   per kind: lift -> recovered (ms), median / max over the recovered ones\n");
    byKind.forEach((kind, list) -> {
      long[] ms = list.stream().map(f -> FaultRecord.millis(f.lifted, f.recoveredAt())).filter(x -> x != null)
          .mapToLong(Long::longValue).sorted().toArray();
      out.append(String.format(Locale.ROOT, "   %-10s %2d applied, %2d recovered%s%n", kind, list.size(), ms.length,
          ms.length == 0 ? "" : String.format(Locale.ROOT, ", median %d, max %d", ms[ms.length / 2], ms[ms.length - 1])));
    });
    out.append("\nFirst leader ").append(o.firstLeader).append("; leader after the final lift ").append(o.finalLeader)
        .append(o.leaderAfterLift == null || o.allLifted == null ? ""
            : " (" + Duration.between(o.allLifted, o.leaderAfterLift).toMillis() + " ms after it)")
        .append(".\nFault proxy: ").append(o.proxyHealthy)
        .append(".\nLogs: ").append(DIR.toAbsolutePath()).append(" (replica-N[.k].log, audit.log)\n");
    return out.toString();
  }

  private String gapSummary(List<Gap> gaps, Duration window) {
    Duration total = gaps.stream().map(Gap::length).reduce(Duration.ZERO, Duration::plus);
    Duration longest = gaps.stream().map(Gap::length).max(Duration::compareTo).orElse(Duration.ZERO);
    String at = gaps.stream().max((a, b) -> a.length().compareTo(b.length()))
        .map(g -> " at t=" + String.format(Locale.ROOT, "%.1f", seconds(g.from())) + "s").orElse("");
    return String.format(Locale.ROOT, "total %d ms (%.1f%% of the soak) in %d gaps, longest %d ms%s", total.toMillis(),
        100.0 * total.toMillis() / Math.max(1, window.toMillis()), gaps.size(), longest.toMillis(), at);
  }

  private double seconds(Instant at) {
    return Duration.between(soakStart, at).toMillis() / 1000.0;
  }

  private String rel(Instant at) {
    return soakStart == null ? at.toString() : String.format(Locale.ROOT, "t=%.3fs", seconds(at));
  }

  private static String dash(Long value) {
    return value == null ? "-" : value.toString();
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    return s >= 60 ? (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s") : d.toMillis() + "ms";
  }

  // ---- plumbing ----

  private Duration flag(String name, Duration fallback) {
    for (String f : flags) {
      if (f.startsWith(name + "=")) {
        return goDuration(f.substring(name.length() + 1));
      }
    }
    return fallback;
  }

  /** Go's duration syntax (10m, 1m30s, 4s, 500ms), as the operator's flags take it. */
  private static Duration goDuration(String text) {
    return GoDuration.parse(text.trim());
  }

  private static Runnable quietly(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        // a sampling round lost; the next one runs
      }
    };
  }

  private static void sleepUntil(Instant at) throws InterruptedException {
    long ms = Duration.between(Instant.now(), at).toMillis();
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }

  /** Old replica logs would mix with this run's; the audit log is replaced by the API server's start. */
  private static void cleanDir() throws IOException {
    Files.createDirectories(DIR);
    try (DirectoryStream<Path> old = Files.newDirectoryStream(DIR, "{replica-*.log,kubeconfig-*.yaml,results.txt}")) {
      for (Path p : old) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
