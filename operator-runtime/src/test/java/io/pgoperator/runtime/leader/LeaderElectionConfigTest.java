package io.pgoperator.runtime.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeaderElectionConfigTest {

  private static final LeaderElectionConfig BASE = LeaderElectionConfig.of("ns", "lease");

  private static LeaderElectionConfig timings(long leaseMs, long renewMs, long retryMs) {
    return BASE.withTimings(Duration.ofMillis(leaseMs), Duration.ofMillis(renewMs), Duration.ofMillis(retryMs));
  }

  @Test
  void defaultsAreClientGos() {
    assertThat(BASE.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(BASE.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(BASE.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
    assertThat(BASE.releaseOnCancel()).isTrue();
    assertThat(BASE.exitOnLostLeadership()).isFalse();
  }

  @Test
  void leaseDurationMustExceedRenewDeadline() {
    assertThatThrownBy(() -> timings(10_000, 10_000, 2_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--lease-duration must be greater than --renew-deadline")
        .hasMessageContaining("--lease-duration=10s, --renew-deadline=10s, --retry-period=2s");
  }

  @Test
  void renewDeadlineMustExceedTheJitteredRetryPeriod() {
    assertThatThrownBy(() -> timings(15_000, 2_400, 2_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--renew-deadline must be greater than 1.2 x --retry-period (2400ms)")
        .hasMessageContaining("--renew-deadline=2400ms")
        .hasMessageContaining("--retry-period=2s");
    assertThat(timings(15_000, 2_401, 2_000).renewDeadline()).isEqualTo(Duration.ofMillis(2_401));
  }

  @Test
  void retryPeriodMustBePositive() {
    assertThatThrownBy(() -> timings(15_000, 10_000, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--retry-period must be positive");
  }

  @Test
  void leaseDurationMustBeAtLeastOneSecond() {
    assertThatThrownBy(() -> timings(900, 800, 100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--lease-duration must be at least 1s");
  }

  @Test
  void aFractionalLeaseDurationIsWrittenRoundedUp() {
    // Truncating 10.9 s to 10 would let standbys wait less than the 10.2 s renew deadline.
    assertThat(timings(10_900, 10_200, 2_000).leaseDurationSeconds()).isEqualTo(11);
    assertThat(timings(15_000, 10_000, 2_000).leaseDurationSeconds()).isEqualTo(15);
  }

  @Test
  void aWriteGetsTheGapLessAClockAllowanceAndTooSmallAGapIsRefused() {
    assertThat(timings(15_000, 10_000, 2_000).writeTimeout()).isEqualTo(java.time.Duration.ofMillis(4_700));
    assertThat(timings(60_000, 20_000, 2_000).writeTimeout()).as("at most fabric8's request timeout")
        .isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(timings(4_000, 3_000, 1_000).writeTimeout()).isEqualTo(java.time.Duration.ofMillis(920));
    assertThatThrownBy(() -> timings(10_500, 10_200, 2_000))
        .hasMessageContaining("must leave a write at least 200ms beyond a 2% clock allowance (210ms)");
  }

  @Test
  void namesAndIdentityMustNotBeEmpty() {
    assertThatThrownBy(() -> LeaderElectionConfig.of("ns", " ")).hasMessageContaining("lease name");
    assertThatThrownBy(() -> LeaderElectionConfig.of("", "lease")).hasMessageContaining("lease namespace");
    assertThatThrownBy(() -> BASE.withIdentity("")).hasMessageContaining("holder identity");
  }

  @Test
  void theDefaultIdentityIsHostAndARandomSuffix() {
    String identity = LeaderElectionConfig.defaultIdentity();

    assertThat(identity).matches(".+_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(LeaderElectionConfig.defaultIdentity()).isNotEqualTo(identity);
  }
}
