package io.pgoperator.runtime.source;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;
import java.util.Map;

/** A custom resource with a plain spec class of its own, for {@link CachedFormTest}. */
@Group("gadgets.example.com")
@Version("v1")
public class Gadget extends CustomResource<Gadget.Spec, Void> implements Namespaced {

  /** Not a fabric8 model class: walked because it lives in the resource's package. */
  public static class Spec {
    private String size;
    private List<String> parts;
    private Map<String, String> settings;

    public String getSize() {
      return size;
    }

    public void setSize(String size) {
      this.size = size;
    }

    public List<String> getParts() {
      return parts;
    }

    public void setParts(List<String> parts) {
      this.parts = parts;
    }

    public Map<String, String> getSettings() {
      return settings;
    }

    public void setSettings(Map<String, String> settings) {
      this.settings = settings;
    }
  }
}
