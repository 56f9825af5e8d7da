package io.pgoperator.runtime.leader;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgoperator.runtime.time.FakeClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;

/**
 * A {@link LeaseElector} run synchronously: a fake clock drives the timers, a fake API answers
 * (or holds) each request and a listener records what the elector told it. Fresh per test.
 * Defaults: lease 15 s, renew deadline 10 s, retry 2 s.
 */
abstract class ElectorFixture {

  static final String ME = "me_1";
  static final String OTHER = "other_2";

  FakeClock clock;
  FakeLeaseApi.Store store;
  FakeLeaseApi api;
  RecordingListener listener;

  @BeforeEach
  void setUpElector() {
    clock = new FakeClock();
    store = new FakeLeaseApi.Store(clock);
    api = new FakeLeaseApi(store);
    listener = new RecordingListener();
  }

  LeaderElectionConfig config() {
    return LeaderElectionConfig.of("ns", "lease").withIdentity(ME);
  }

  LeaseElector elector(LeaderElectionConfig config) {
    LeaseElector elector = new LeaseElector(config, api, clock, new SimpleMeterRegistry(), max -> 0);
    elector.addListener(listener);
    return elector;
  }

  LeaseElector started() {
    LeaseElector elector = elector(config());
    elector.start();
    return elector;
  }

  void advance(long millis) {
    clock.advance(Duration.ofMillis(millis));
  }

  LeaseRecord heldBy(String holder, Instant renewTime) {
    return new LeaseRecord(holder, 15, renewTime, renewTime, 3, null);
  }
}
