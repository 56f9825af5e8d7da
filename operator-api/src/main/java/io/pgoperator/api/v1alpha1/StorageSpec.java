package io.pgoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/**
 * Per-instance volume. Growing is allowed (the controller expands the PVCs, which needs an
 * expandable StorageClass); shrinking and changing the class are refused by the API server.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// The isQuantity guards keep a malformed value reported by the pattern, not by a CEL error.
@ValidationRule(value = "!isQuantity(self.size) || !isQuantity(oldSelf.size)"
    + " || quantity(self.size).compareTo(quantity(oldSelf.size)) >= 0",
    message = "storage.size cannot shrink: volumes can only grow")
@ValidationRule(value = "(has(self.storageClassName) ? self.storageClassName : '')"
    + " == (has(oldSelf.storageClassName) ? oldSelf.storageClassName : '')",
    message = "storage.storageClassName is immutable: existing volumes keep their class")
public class StorageSpec {

  /** A non-negative Kubernetes quantity (decimal or binary SI suffix, or exponent). */
  public static final String QUANTITY_PATTERN = "^(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))"
      + "(([KMGTPE]i)|[mkMGTPE]|([eE][+-]?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

  @JsonPropertyDescription("Volume size per instance, e.g. 10Gi. Can grow, never shrink.")
  @Required
  @Pattern(QUANTITY_PATTERN)
  @Size(max = 64)
  private String size;

  @JsonPropertyDescription("StorageClass of the volumes; the cluster default when unset. Immutable.")
  @Size(max = 253)
  private String storageClassName;

  public StorageSpec() {
  }

  public StorageSpec(String size, String storageClassName) {
    this.size = size;
    this.storageClassName = storageClassName;
  }

  public String getSize() {
    return size;
  }

  public void setSize(String size) {
    this.size = size;
  }

  public String getStorageClassName() {
    return storageClassName;
  }

  public void setStorageClassName(String storageClassName) {
    this.storageClassName = storageClassName;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StorageSpec other && Objects.equals(size, other.size)
        && Objects.equals(storageClassName, other.storageClassName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(size, storageClassName);
  }

  @Override
  public String toString() {
    return "StorageSpec{size=" + size + ", storageClassName=" + storageClassName + '}';
  }
}
