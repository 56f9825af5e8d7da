package io.pgoperator.api.v1alpha1;

/** Values of {@code status.phase}: a one-word summary for humans; conditions carry the detail. */
public final class Phase {

  /** Seen, children not yet created. */
  public static final String PENDING = "Pending";
  /** Children created, not all instances ready yet (first start, scale-up, rollout). */
  public static final String PROVISIONING = "Provisioning";
  /** All instances ready. */
  public static final String RUNNING = "Running";
  /** Was running; some instances are not ready. */
  public static final String DEGRADED = "Degraded";
  /** The spec cannot be acted on (e.g. refused parameters); fix the spec. */
  public static final String FAILED = "Failed";

  private Phase() {
  }
}
