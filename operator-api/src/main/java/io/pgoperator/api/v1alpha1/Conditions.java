package io.pgoperator.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Pure helpers for standard conditions. {@code lastTransitionTime} moves only when a
 * condition's status flips, so a status write that merely restates the truth does not look like
 * a change to anyone watching (and the write can be skipped when nothing else moved).
 */
public final class Conditions {

  /** All instances ready and the primary accepts connections. */
  public static final String READY = "Ready";
  /** The last reconcile of the current generation applied every child without error. */
  public static final String RECONCILED = "Reconciled";
  /** An instance accepts writes behind the -rw Service; False says why not (lost, a failover under way or blocked). */
  public static final String PRIMARY_AVAILABLE = "PrimaryAvailable";
  /** Present only while a requested switchover is refused: why (the request stays until it can be done or is removed). */
  public static final String SWITCHOVER = "Switchover";

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  private Conditions() {
  }

  /**
   * Returns a new list where the condition of {@code type} has the given status, reason,
   * message and observedGeneration; other conditions keep their order and content. The
   * transition time is {@code now} if the type is new or its status changed, else the old one.
   */
  public static List<Condition> set(List<Condition> current, String type, String status,
      String reason, String message, long observedGeneration, Instant now) {
    Objects.requireNonNull(type, "condition type");
    Objects.requireNonNull(status, "condition status of " + type);
    List<Condition> result = new ArrayList<>(current == null ? List.of() : current);
    int index = indexOf(result, type);
    Condition previous = index < 0 ? null : result.get(index);
    String transition = previous != null && status.equals(previous.getStatus())
        && previous.getLastTransitionTime() != null
        ? previous.getLastTransitionTime()
        : format(now);
    Condition next = new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(observedGeneration)
        .withLastTransitionTime(transition)
        .build();
    if (index < 0) {
      result.add(next);
    } else {
      result.set(index, next);
    }
    return result;
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return Optional.empty();
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
  }

  /** RFC 3339 at second precision, as metav1.Time serialises. */
  static String format(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  private static int indexOf(List<Condition> conditions, String type) {
    for (int i = 0; i < conditions.size(); i++) {
      if (type.equals(conditions.get(i).getType())) {
        return i;
      }
    }
    return -1;
  }
}
