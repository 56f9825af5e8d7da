package io.pgoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One instance as the operator last saw it through the primary. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InstanceStatus {

  public static final String PRIMARY = "primary";
  public static final String STANDBY = "standby";

  @JsonPropertyDescription("The instance's pod.")
  private String name;

  @JsonPropertyDescription("primary or standby.")
  private String role;

  @JsonPropertyDescription("The primary: it answered the operator. A standby: it streams from the primary and has replayed all but spec.maxStandbyLag of its WAL.")
  private Boolean inSync;

  @JsonPropertyDescription("A standby's replay lag behind the primary's current WAL position, in bytes, rounded down to whole MiB.")
  private Long replayLagBytes;

  @JsonPropertyDescription("What the operator saw, or why the instance is not in sync.")
  private String message;

  public InstanceStatus() {
  }

  public InstanceStatus(String name, String role, Boolean inSync, Long replayLagBytes, String message) {
    this.name = name;
    this.role = role;
    this.inSync = inSync;
    this.replayLagBytes = replayLagBytes;
    this.message = message;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getRole() {
    return role;
  }

  public void setRole(String role) {
    this.role = role;
  }

  public Boolean getInSync() {
    return inSync;
  }

  public void setInSync(Boolean inSync) {
    this.inSync = inSync;
  }

  public Long getReplayLagBytes() {
    return replayLagBytes;
  }

  public void setReplayLagBytes(Long replayLagBytes) {
    this.replayLagBytes = replayLagBytes;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InstanceStatus other && Objects.equals(name, other.name) && Objects.equals(role, other.role)
        && Objects.equals(inSync, other.inSync) && Objects.equals(replayLagBytes, other.replayLagBytes)
        && Objects.equals(message, other.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, role, inSync, replayLagBytes, message);
  }

  @Override
  public String toString() {
    return "InstanceStatus{name=" + name + ", role=" + role + ", inSync=" + inSync + ", replayLagBytes="
        + replayLagBytes + ", message=" + message + '}';
  }
}
