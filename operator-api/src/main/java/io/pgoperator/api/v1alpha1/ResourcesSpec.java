package io.pgoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The requests/limits part of a container's ResourceRequirements (no dynamic claims). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResourcesSpec {

  @JsonPropertyDescription("Minimum resources, e.g. cpu: 500m, memory: 1Gi.")
  private Map<String, Quantity> requests;

  @JsonPropertyDescription("Maximum resources, e.g. memory: 2Gi.")
  private Map<String, Quantity> limits;

  public ResourcesSpec() {
  }

  public ResourcesSpec(Map<String, Quantity> requests, Map<String, Quantity> limits) {
    setRequests(requests);
    setLimits(limits);
  }

  public Map<String, Quantity> getRequests() {
    return requests;
  }

  public void setRequests(Map<String, Quantity> requests) {
    this.requests = requests == null ? null : new LinkedHashMap<>(requests);
  }

  public Map<String, Quantity> getLimits() {
    return limits;
  }

  public void setLimits(Map<String, Quantity> limits) {
    this.limits = limits == null ? null : new LinkedHashMap<>(limits);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResourcesSpec other && Objects.equals(requests, other.requests)
        && Objects.equals(limits, other.limits);
  }

  @Override
  public int hashCode() {
    return Objects.hash(requests, limits);
  }

  @Override
  public String toString() {
    return "ResourcesSpec{requests=" + requests + ", limits=" + limits + '}';
  }
}
