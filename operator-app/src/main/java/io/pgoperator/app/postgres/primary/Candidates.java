package io.pgoperator.app.postgres.primary;

import io.pgoperator.app.postgres.children.ChildNames;
import io.pgoperator.app.postgres.replication.InstanceState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which standby to promote when the primary is lost (pure): of the instances that answered the
 * operator in recovery, as copies of this database, the one holding the most WAL (a promotion
 * keeps what it received), the lowest ordinal on a tie. It is refused when it lacks more than
 * the allowed lag of the WAL the primary is known to have written.
 */
public final class Candidates {

  private Candidates() {
  }

  /** The outcome: a standby to promote, or why none. */
  public sealed interface Choice permits Promote, NoCandidate {
  }

  /** @param lagBytes how much of the primary's known WAL it lacks (0 when it has all) */
  public record Promote(String pod, long lagBytes, long walPosition) implements Choice {
  }

  public record NoCandidate(String why) implements Choice {
  }

  /**
   * @param cluster the cluster's name (for ordinals)
   * @param standbys each other instance's answer, or why it gave none
   * @param systemIdentifier the cluster's database, when known
   * @param primaryPosition the most WAL the primary is known to have flushed (0: unknown)
   * @param maximumLag how much of it the promoted standby may lack
   */
  public static Choice choose(String cluster, Map<String, Answer> standbys, String systemIdentifier,
      long primaryPosition, long maximumLag) {
    List<String> refused = new ArrayList<>();
    Optional<Map.Entry<String, Answer>> best = standbys.entrySet().stream()
        .filter(entry -> eligible(entry.getKey(), entry.getValue(), systemIdentifier, refused))
        .max(Comparator.<Map.Entry<String, Answer>>comparingLong(e -> e.getValue().state().walPosition())
            .thenComparing(e -> -ChildNames.ordinal(cluster, e.getKey())));
    if (best.isEmpty()) {
      return new NoCandidate(standbys.isEmpty() ? "no standby pod exists"
          : "no standby can be promoted: " + String.join("; ", refused));
    }
    String pod = best.get().getKey();
    long position = best.get().getValue().state().walPosition();
    long lag = Math.max(0, primaryPosition - position);
    if (lag > maximumLag) {
      return new NoCandidate("the most advanced standby, " + pod + ", lacks " + lag + " bytes of the WAL the primary"
          + " had written when last read, more than failover.maximumLag (" + maximumLag + " bytes): promoting it"
          + " would lose those commits. Bring the primary back, or raise spec.failover.maximumLag to accept the loss");
    }
    return new Promote(pod, lag, position);
  }

  private static boolean eligible(String pod, Answer answer, String systemIdentifier, List<String> refused) {
    if (answer.state() == null) {
      refused.add(pod + " did not answer (" + answer.error() + ")");
      return false;
    }
    if (!answer.state().inRecovery()) {
      refused.add(pod + " is not in recovery");
      return false;
    }
    if (systemIdentifier != null && !systemIdentifier.equals(answer.state().systemIdentifier())) {
      refused.add(pod + " is database system " + answer.state().systemIdentifier() + ", not " + systemIdentifier);
      return false;
    }
    return true;
  }

  /** An instance's state, or the error that stood in for it. */
  public record Answer(InstanceState state, String error) {

    public static Answer of(InstanceState state) {
      return new Answer(state, null);
    }

    public static Answer failed(String error) {
      return new Answer(null, error);
    }
  }
}
