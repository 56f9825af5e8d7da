package io.pgoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Observed state, written only by the operator through the status subresource. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PostgresClusterStatus {

  @JsonPropertyDescription("metadata.generation of the spec this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Pending, Provisioning, Running, Degraded or Failed.")
  @PrinterColumn(name = "Phase")
  private String phase;

  @JsonPropertyDescription("Instances the StatefulSet currently has.")
  private Integer instances;

  @JsonPropertyDescription("Instances passing their readiness probe.")
  @PrinterColumn(name = "Ready")
  private Integer readyInstances;

  @JsonPropertyDescription("Instances in sync as the primary sees them: the primary itself when it answers the operator, and each standby streaming within spec.maxStandbyLag.")
  @PrinterColumn(name = "In Sync")
  private Integer inSyncInstances;

  @JsonPropertyDescription("The instance holding the primary role: the one the -rw Service selects (by its role label) once it accepts writes.")
  @PrinterColumn(name = "Primary")
  private String currentPrimary;

  @JsonPropertyDescription("The instance being made primary while a failover or switchover is under way; equal to currentPrimary otherwise. The operator records it (with a new primaryEpoch) before it acts, so another operator replica resumes the change.")
  private String targetPrimary;

  @JsonPropertyDescription("Incremented each time the primary role moves. Instances get it with the recorded primary (the -state ConfigMap): one that is not the recorded primary never starts as primary, and a running primary that learns of a newer epoch naming another instance shuts down and rejoins as a standby.")
  private Long primaryEpoch;

  @JsonPropertyDescription("The primary's PostgreSQL timeline; each promotion starts a new one.")
  @PrinterColumn(name = "Timeline")
  private Integer timeline;

  @JsonPropertyDescription("The last failover or switchover.")
  private PrimaryChange lastPrimaryChange;

  @JsonPropertyDescription("The database system identifier, read from the primary; standbys with another one are not copies of this database.")
  private String systemIdentifier;

  @JsonPropertyDescription("Each instance's role, whether it is in sync, its replay lag and why not, as last read from the primary.")
  private List<InstanceStatus> members;

  @JsonPropertyDescription("Read-write Service (the primary).")
  private String primaryService;

  @JsonPropertyDescription("Read-only Service (all instances); unset with a single instance.")
  private String replicaService;

  @JsonPropertyDescription("Secret holding username, password, database, host, port and uri.")
  private String secretName;

  @JsonPropertyDescription("True once the cluster's database exists (its primary was Ready); it then stays true, and instance 0 refuses to initialise a new, empty database on a volume that comes back empty.")
  private Boolean initialised;

  @JsonPropertyDescription("Standard conditions: Ready, Reconciled.")
  private List<Condition> conditions;

  public PostgresClusterStatus() {
  }

  /** A copy to change (lists copied; their elements shared): keep in step with the fields. */
  public PostgresClusterStatus(PostgresClusterStatus other) {
    observedGeneration = other.observedGeneration;
    phase = other.phase;
    instances = other.instances;
    readyInstances = other.readyInstances;
    inSyncInstances = other.inSyncInstances;
    currentPrimary = other.currentPrimary;
    targetPrimary = other.targetPrimary;
    primaryEpoch = other.primaryEpoch;
    timeline = other.timeline;
    lastPrimaryChange = other.lastPrimaryChange;
    systemIdentifier = other.systemIdentifier;
    setMembers(other.members);
    primaryService = other.primaryService;
    replicaService = other.replicaService;
    secretName = other.secretName;
    initialised = other.initialised;
    conditions = other.conditions == null ? null : new ArrayList<>(other.conditions);
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }

  public Integer getInstances() {
    return instances;
  }

  public void setInstances(Integer instances) {
    this.instances = instances;
  }

  public Integer getReadyInstances() {
    return readyInstances;
  }

  public void setReadyInstances(Integer readyInstances) {
    this.readyInstances = readyInstances;
  }

  public Integer getInSyncInstances() {
    return inSyncInstances;
  }

  public void setInSyncInstances(Integer inSyncInstances) {
    this.inSyncInstances = inSyncInstances;
  }

  public String getSystemIdentifier() {
    return systemIdentifier;
  }

  public void setSystemIdentifier(String systemIdentifier) {
    this.systemIdentifier = systemIdentifier;
  }

  public List<InstanceStatus> getMembers() {
    return members;
  }

  public void setMembers(List<InstanceStatus> members) {
    this.members = members == null ? null : new ArrayList<>(members);
  }

  public String getPrimaryService() {
    return primaryService;
  }

  public void setPrimaryService(String primaryService) {
    this.primaryService = primaryService;
  }

  public String getReplicaService() {
    return replicaService;
  }

  public void setReplicaService(String replicaService) {
    this.replicaService = replicaService;
  }

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  public String getCurrentPrimary() {
    return currentPrimary;
  }

  public void setCurrentPrimary(String currentPrimary) {
    this.currentPrimary = currentPrimary;
  }

  public String getTargetPrimary() {
    return targetPrimary;
  }

  public void setTargetPrimary(String targetPrimary) {
    this.targetPrimary = targetPrimary;
  }

  public Long getPrimaryEpoch() {
    return primaryEpoch;
  }

  public void setPrimaryEpoch(Long primaryEpoch) {
    this.primaryEpoch = primaryEpoch;
  }

  public Integer getTimeline() {
    return timeline;
  }

  public void setTimeline(Integer timeline) {
    this.timeline = timeline;
  }

  public PrimaryChange getLastPrimaryChange() {
    return lastPrimaryChange;
  }

  public void setLastPrimaryChange(PrimaryChange lastPrimaryChange) {
    this.lastPrimaryChange = lastPrimaryChange;
  }

  public Boolean getInitialised() {
    return initialised;
  }

  public void setInitialised(Boolean initialised) {
    this.initialised = initialised;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions == null ? null : new ArrayList<>(conditions);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof PostgresClusterStatus other)) {
      return false;
    }
    return Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(phase, other.phase)
        && Objects.equals(instances, other.instances)
        && Objects.equals(readyInstances, other.readyInstances)
        && Objects.equals(inSyncInstances, other.inSyncInstances)
        && Objects.equals(currentPrimary, other.currentPrimary)
        && Objects.equals(targetPrimary, other.targetPrimary)
        && Objects.equals(primaryEpoch, other.primaryEpoch)
        && Objects.equals(timeline, other.timeline)
        && Objects.equals(lastPrimaryChange, other.lastPrimaryChange)
        && Objects.equals(systemIdentifier, other.systemIdentifier)
        && Objects.equals(members, other.members)
        && Objects.equals(primaryService, other.primaryService)
        && Objects.equals(replicaService, other.replicaService)
        && Objects.equals(secretName, other.secretName)
        && Objects.equals(initialised, other.initialised)
        && Objects.equals(conditions, other.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, phase, instances, readyInstances, inSyncInstances,
        currentPrimary, targetPrimary, primaryEpoch, timeline, lastPrimaryChange, systemIdentifier, members,
        primaryService,
        replicaService, secretName, initialised, conditions);
  }

  @Override
  public String toString() {
    return "PostgresClusterStatus{observedGeneration=" + observedGeneration + ", phase=" + phase
        + ", instances=" + instances + ", readyInstances=" + readyInstances
        + ", inSyncInstances=" + inSyncInstances + ", currentPrimary=" + currentPrimary
        + ", targetPrimary=" + targetPrimary + ", primaryEpoch=" + primaryEpoch + ", timeline=" + timeline
        + ", lastPrimaryChange=" + lastPrimaryChange + ", systemIdentifier=" + systemIdentifier
        + ", members=" + members
        + ", primaryService=" + primaryService + ", replicaService=" + replicaService
        + ", secretName=" + secretName + ", initialised=" + initialised + ", conditions=" + conditions + '}';
  }
}
