package io.pgoperator.runtime.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pgoperator.runtime.time.Clock;
import io.pgoperator.runtime.time.FakeClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Metrics as Prometheus scrapes them, and the liveness check. */
class LeaseElectorObservabilityTest {

  private FakeClock clock;
  private FakeLeaseApi.Store store;
  private FakeLeaseApi api;
  private PrometheusMeterRegistry registry;

  @BeforeEach
  void setUp() {
    clock = new FakeClock();
    store = new FakeLeaseApi.Store(clock);
    api = new FakeLeaseApi(store);
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  private LeaseElector elector(Clock electorClock) {
    LeaderElectionConfig config = LeaderElectionConfig.of("ns", "pg-operator").withIdentity("me_1");
    return new LeaseElector(config, api, electorClock, registry, max -> 0);
  }

  private String metric(String series) {
    return registry.scrape().lines()
        .filter(line -> line.startsWith(series + " ") || line.startsWith(series + "{"))
        .findFirst().orElseThrow(() -> new AssertionError(series + " not in scrape:\n" + registry.scrape()));
  }

  @Test
  void masterStatusIsOneOnlyWhileLeading() {
    LeaseElector elector = elector(clock);
    elector.start();
    assertThat(metric("leader_election_master_status")).isEqualTo("leader_election_master_status{name=\"pg-operator\"} 1.0");

    elector.release();

    assertThat(metric("leader_election_master_status")).endsWith(" 0.0");
  }

  @Test
  void masterStatusIsZeroOnAStandby() {
    store.put(new LeaseRecord("other_2", 15, clock.wallTime(), clock.wallTime(), 0, null));
    elector(clock).start();

    assertThat(metric("leader_election_master_status")).endsWith(" 0.0");
  }

  @Test
  void transitionsCountHolderChangesSeen() {
    store.put(new LeaseRecord("other_2", 15, clock.wallTime(), clock.wallTime(), 0, null));
    LeaseElector elector = elector(clock);
    elector.start(); // the first holder seen is no change
    assertThat(metric("leader_election_transitions_total")).isEqualTo("leader_election_transitions_total{name=\"pg-operator\"} 0.0");

    clock.advance(Duration.ofSeconds(1));
    store.put(new LeaseRecord("third_3", 15, clock.wallTime(), clock.wallTime(), 1, null));
    clock.advance(Duration.ofSeconds(20)); // third_3 goes silent; we take over

    assertThat(elector.isLeader()).isTrue();
    assertThat(metric("leader_election_transitions_total")).endsWith(" 2.0");
  }

  @Test
  void renewLatencyIsTimedInSeconds() {
    api.manual = true;
    LeaseElector elector = elector(clock);
    elector.start();
    api.answerNext();
    api.answerNext();
    clock.advance(Duration.ofSeconds(2)); // renew sent
    clock.advance(Duration.ofMillis(40));
    api.answerNext();

    assertThat(elector.isLeader()).isTrue();
    assertThat(metric("leader_election_renew_duration_seconds_count")).endsWith(" 1");
    assertThat(metric("leader_election_renew_duration_seconds_sum")).endsWith(" 0.04");
    assertThat(registry.scrape()).contains("leader_election_renew_duration_seconds_bucket{name=\"pg-operator\",le=\"0.05\"} 1");
  }

  @Test
  void livenessPassesOnStandbysAndHealthyLeaders() {
    store.put(new LeaseRecord("other_2", 15, Instant.EPOCH, Instant.EPOCH, 0, null));
    LeaseElector standby = elector(clock);
    standby.start();
    assertThat(standby.livenessCheck().succeeded()).isTrue();

    clock.advance(Duration.ofMinutes(5)); // takes over and keeps renewing
    assertThat(standby.isLeader()).isTrue();
    assertThat(standby.livenessCheck().succeeded()).isTrue();
    assertThat(standby.healthy()).isTrue();
  }

  @Test
  void livenessFailsWhenALeaderIsWedged() {
    StallableClock stallable = new StallableClock(clock);
    LeaseElector elector = elector(stallable);
    elector.start();
    assertThat(elector.isLeader()).isTrue();

    stallable.stalled = true; // the event loop no longer runs the elector's timers
    clock.advance(Duration.ofSeconds(30)); // renew deadline 10 s + grace 20 s
    assertThat(elector.livenessCheck().succeeded()).isTrue();
    clock.advance(Duration.ofMillis(1));

    assertThat(elector.healthy()).isFalse();
    assertThat(elector.livenessCheck().cause()).hasMessageContaining("has not renewed for 30001ms")
        .hasMessageContaining("ns/pg-operator");
  }

  /** Delegates to a fake clock, but drops timer tasks while stalled, like a blocked event loop. */
  private static final class StallableClock implements Clock {
    private final FakeClock delegate;
    boolean stalled;

    StallableClock(FakeClock delegate) {
      this.delegate = delegate;
    }

    @Override
    public long nanoTime() {
      return delegate.nanoTime();
    }

    @Override
    public Instant wallTime() {
      return delegate.wallTime();
    }

    @Override
    public long setTimer(long delayMillis, Runnable task) {
      return delegate.setTimer(delayMillis, () -> {
        if (!stalled) {
          task.run();
        }
      });
    }

    @Override
    public boolean cancelTimer(long timerId) {
      return delegate.cancelTimer(timerId);
    }
  }
}
