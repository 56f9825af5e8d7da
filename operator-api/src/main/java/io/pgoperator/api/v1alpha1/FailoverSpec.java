package io.pgoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/**
 * When the operator promotes a standby because the primary is lost. Replication is
 * asynchronous: a failover can lose what the primary committed but had not yet sent, bounded
 * by {@link #maximumLag}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailoverSpec {

  /** A Go duration, as kubectl and the operator's flags write them: 10s, 1m30s, 500ms. */
  public static final String DURATION_PATTERN = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";
  public static final String DEFAULT_DELAY = "10s";

  @JsonPropertyDescription("Whether the operator promotes a standby when the primary is lost. With false the cluster waits for its primary to come back (switchovers on request still work).")
  @Default("true")
  private Boolean enabled = true;

  @JsonPropertyDescription("How long the primary must be lost before a standby is promoted: its pod not Ready (or gone) and the primary not answering the operator, e.g. 10s. Shorter fails over faster; longer rides out a restart of the primary's container (a crashed postgres usually restarts within seconds).")
  @Pattern(DURATION_PATTERN)
  @Size(max = 32)
  @Default(DEFAULT_DELAY)
  private String delay = DEFAULT_DELAY;

  @JsonPropertyDescription("The most WAL a standby may lack, of what the primary had written when the operator last read it, and still be promoted, e.g. 16Mi. Unset: spec.maxStandbyLag. When every standby is further behind, no standby is promoted (a Warning Event says so) until the primary returns or this is raised: raising it accepts losing up to that much committed data.")
  @Pattern(StorageSpec.QUANTITY_PATTERN)
  @Size(max = 64)
  private String maximumLag;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public String getDelay() {
    return delay;
  }

  public void setDelay(String delay) {
    this.delay = delay;
  }

  public String getMaximumLag() {
    return maximumLag;
  }

  public void setMaximumLag(String maximumLag) {
    this.maximumLag = maximumLag;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FailoverSpec other && Objects.equals(enabled, other.enabled)
        && Objects.equals(delay, other.delay) && Objects.equals(maximumLag, other.maximumLag);
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, delay, maximumLag);
  }

  @Override
  public String toString() {
    return "FailoverSpec{enabled=" + enabled + ", delay=" + delay + ", maximumLag=" + maximumLag + '}';
  }
}
