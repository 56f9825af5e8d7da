package io.pgoperator.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.app.cli.OperatorCommandLine;
import io.pgoperator.app.cli.OperatorOptions;
import io.pgoperator.app.cli.ParseOutcome;
import io.pgoperator.runtime.RuntimeOptions;
import io.pgoperator.runtime.shard.ShardingConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line's settings arrive in the runtime's options unchanged. */
class RuntimeSettingsTest {

  private static OperatorOptions parse(String... args) {
    ParseOutcome outcome = OperatorCommandLine.parse(args, Map.of());
    assertThat(outcome).isInstanceOf(ParseOutcome.Run.class);
    return ((ParseOutcome.Run) outcome).options();
  }

  @Test
  void withoutShardsThereIsOneLeaseAndNoRing() {
    RuntimeOptions runtime = RuntimeSettings.from(parse("--leader-elect", "--leader-election-namespace=ops"));
    assertThat(runtime.sharding()).isEmpty();
    assertThat(RuntimeSettings.leaderElection(parse("--leader-elect", "--leader-election-namespace=ops")))
        .hasValueSatisfying(lease -> assertThat(lease.namespace()).isEqualTo("ops"));
    assertThat(RuntimeSettings.from(parse()).sharding()).isEmpty();
  }

  @Test
  void shardsBecomeTheRingWithTheLeaseTimingsAndTheDrainTimeout() {
    OperatorOptions options = parse("--shards=16", "--shard-drain-timeout=3s", "--leader-election-namespace=ops",
        "--leader-election-id=ring.example.org", "--lease-duration=20s", "--renew-deadline=12s",
        "--identity=pod-0");
    ShardingConfig ring = RuntimeSettings.from(options).sharding().orElseThrow();
    assertThat(ring.slots()).isEqualTo(16);
    assertThat(ring.drainTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(ring.namespace()).isEqualTo("ops");
    assertThat(ring.ring()).isEqualTo("ring.example.org");
    assertThat(ring.lease().leaseDuration()).isEqualTo(Duration.ofSeconds(20));
    assertThat(ring.lease().renewDeadline()).isEqualTo(Duration.ofSeconds(12));
    assertThat(ring.lease().identity()).isEqualTo("pod-0");
    assertThat(ring.lease().exitOnLostLeadership()).isFalse();
  }

  @Test
  void shardsDefaultToATenSecondDrain() {
    assertThat(RuntimeSettings.sharding(parse("--shards=4")))
        .hasValueSatisfying(ring -> assertThat(ring.drainTimeout()).isEqualTo(ShardingConfig.DEFAULT_DRAIN_TIMEOUT));
  }
}
