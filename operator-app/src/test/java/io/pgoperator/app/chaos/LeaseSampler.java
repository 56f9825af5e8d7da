package io.pgoperator.app.chaos;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiPredicate;

/**
 * Polls the Lease (admin client, straight to the API server) and records who holds it, to
 * measure leaderless time. Two definitions, both from the same samples:
 * <ul>
 *   <li><b>Lease</b>: no valid holder, i.e. holderIdentity empty, or renewTime + leaseDurationSeconds
 *       already past. A gap starts at the sample that first sees it and ends at the renewTime of the
 *       first valid holder seen afterwards (the moment it acquired), clamped to the sampling interval;
 *       so gaps are accurate to about one poll period.</li>
 *   <li><b>effective</b>: the Lease one, or its holder's process is known (to the benchmark) dead or
 *       stopped, or a network fault cuts every replica from the API server. This is how long no
 *       replica could act as leader; it includes the whole of each network fault by construction.</li>
 * </ul>
 */
final class LeaseSampler {

  static final Duration PERIOD = Duration.ofMillis(200);

  /** One poll: {@code valid} by the Lease definition, {@code effective} by the stricter one. */
  record Sample(Instant at, String holder, Instant renewTime, int durationSeconds, boolean valid, boolean effective) {}

  /** A leaderless interval. */
  record Gap(Instant from, Instant to) {
    Duration length() {
      return Duration.between(from, to);
    }
  }

  private final KubernetesClient admin;
  private final String namespace;
  private final String lease;
  private final BiPredicate<String, Instant> holderServes;
  private final List<Sample> samples = new CopyOnWriteArrayList<>();
  private volatile int failures;

  /**
   * @param holderServes whether the replica with this identity, which renewed the Lease at that
   *     instant, can act as leader right now (that very process runs, API server reachable), as far
   *     as the benchmark knows
   */
  LeaseSampler(KubernetesClient admin, String namespace, String lease, BiPredicate<String, Instant> holderServes) {
    this.admin = admin;
    this.namespace = namespace;
    this.lease = lease;
    this.holderServes = holderServes;
  }

  /** One poll; an error reading the Lease is counted and skipped. */
  void sample() {
    try {
      Instant now = Instant.now();
      Lease current = admin.leases().inNamespace(namespace).withName(lease).get();
      LeaseSpec spec = current == null || current.getSpec() == null ? new LeaseSpec() : current.getSpec();
      String holder = spec.getHolderIdentity() == null ? "" : spec.getHolderIdentity();
      Instant renew = instant(spec.getRenewTime());
      int seconds = spec.getLeaseDurationSeconds() == null ? 0 : spec.getLeaseDurationSeconds();
      boolean valid = !holder.isEmpty() && renew != null && now.isBefore(renew.plusSeconds(seconds));
      boolean effective = valid && holderServes.test(holder, renew);
      samples.add(new Sample(now, holder, renew, seconds, valid, effective));
    } catch (RuntimeException e) {
      failures++;
    }
  }

  /** Whether the latest sample shows a valid holder, and which. */
  Sample latest() {
    return samples.isEmpty() ? null : samples.get(samples.size() - 1);
  }

  int failures() {
    return failures;
  }

  List<Sample> samples() {
    return List.copyOf(samples);
  }

  /** Leaderless intervals (Lease definition) within [from, to]. */
  List<Gap> leaseGaps(Instant from, Instant to) {
    return gaps(from, to, true);
  }

  /** Intervals without an effective leader within [from, to]. */
  List<Gap> effectiveGaps(Instant from, Instant to) {
    return gaps(from, to, false);
  }

  private List<Gap> gaps(Instant from, Instant to, boolean leaseDefinition) {
    List<Gap> gaps = new ArrayList<>();
    Instant start = null;
    Instant previous = null;
    for (Sample s : samples) {
      if (s.at().isBefore(from) || s.at().isAfter(to)) {
        continue;
      }
      boolean ok = leaseDefinition ? s.valid() : s.effective();
      if (!ok && start == null) {
        start = s.at();
        if (leaseDefinition && previous != null && !s.holder().isEmpty() && s.renewTime() != null) {
          // it went stale at renewTime + duration, which lies between the previous sample and this one
          Instant expired = s.renewTime().plusSeconds(s.durationSeconds());
          if (expired.isAfter(previous) && expired.isBefore(s.at())) {
            start = expired;
          }
        }
      } else if (ok && start != null) {
        Instant end = s.at();
        if (leaseDefinition && s.renewTime() != null && previous != null && s.renewTime().isAfter(previous)
            && s.renewTime().isBefore(s.at())) {
          end = s.renewTime();
        }
        gaps.add(new Gap(start, end));
        start = null;
      }
      previous = s.at();
    }
    if (start != null && previous != null) {
      gaps.add(new Gap(start, previous));
    }
    return gaps;
  }

  /** Leaderless time within [from, to] of gaps overlapping it. */
  static Duration overlap(List<Gap> gaps, Instant from, Instant to) {
    Duration total = Duration.ZERO;
    for (Gap g : gaps) {
      Instant a = g.from().isAfter(from) ? g.from() : from;
      Instant b = g.to().isBefore(to) ? g.to() : to;
      if (b.isAfter(a)) {
        total = total.plus(Duration.between(a, b));
      }
    }
    return total;
  }

  private static Instant instant(ZonedDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
