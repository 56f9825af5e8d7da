package io.pgoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One move of the primary role: a failover or a switchover, under way or done. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PrimaryChange {

  public static final String FAILOVER = "Failover";
  public static final String SWITCHOVER = "Switchover";

  @JsonPropertyDescription("Failover (the primary was lost) or Switchover (requested, or a rolling update of the primary).")
  private String reason;

  @JsonPropertyDescription("The instance that was primary.")
  private String from;

  @JsonPropertyDescription("The instance promoted.")
  private String to;

  @JsonPropertyDescription("The primary epoch this change started.")
  private Long epoch;

  @JsonPropertyDescription("When the operator decided (RFC 3339).")
  private String startedAt;

  @JsonPropertyDescription("When the new primary accepted writes and the -rw Service selected it (RFC 3339); unset while under way.")
  private String completedAt;

  public PrimaryChange() {
  }

  public PrimaryChange(String reason, String from, String to, Long epoch, String startedAt, String completedAt) {
    this.reason = reason;
    this.from = from;
    this.to = to;
    this.epoch = epoch;
    this.startedAt = startedAt;
    this.completedAt = completedAt;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getFrom() {
    return from;
  }

  public void setFrom(String from) {
    this.from = from;
  }

  public String getTo() {
    return to;
  }

  public void setTo(String to) {
    this.to = to;
  }

  public Long getEpoch() {
    return epoch;
  }

  public void setEpoch(Long epoch) {
    this.epoch = epoch;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getCompletedAt() {
    return completedAt;
  }

  public void setCompletedAt(String completedAt) {
    this.completedAt = completedAt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrimaryChange other && Objects.equals(reason, other.reason)
        && Objects.equals(from, other.from) && Objects.equals(to, other.to)
        && Objects.equals(epoch, other.epoch) && Objects.equals(startedAt, other.startedAt)
        && Objects.equals(completedAt, other.completedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(reason, from, to, epoch, startedAt, completedAt);
  }

  @Override
  public String toString() {
    return "PrimaryChange{" + reason + " " + from + " -> " + to + ", epoch=" + epoch + ", startedAt=" + startedAt
        + ", completedAt=" + completedAt + '}';
  }
}
