package io.pgoperator.runtime.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.pgoperator.runtime.reconcile.Request;
import java.util.List;

/** Maps a watched object to the primary keys it concerns (often one, sometimes none). */
@FunctionalInterface
public interface KeyMapper<T extends HasMetadata> {

  List<Request> keysFor(T object);

  /** The object is itself a primary: its own key. */
  static <T extends HasMetadata> KeyMapper<T> self() {
    return object -> List.of(Request.of(object));
  }

  /**
   * The object is owned: the key of its controller owner of the given kind (matched by API group
   * and kind, not version), in the object's namespace. Objects without such an owner map to
   * nothing.
   */
  static <T extends HasMetadata> KeyMapper<T> controllerOwner(String ownerApiGroup, String ownerKind) {
    return object -> {
      List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
      if (owners == null) {
        return List.of();
      }
      for (OwnerReference owner : owners) {
        if (Boolean.TRUE.equals(owner.getController())
            && ownerKind.equals(owner.getKind())
            && ownerApiGroup.equals(groupOf(owner.getApiVersion()))) {
          return List.of(new Request(object.getMetadata().getNamespace(), owner.getName()));
        }
      }
      return List.of();
    };
  }

  private static String groupOf(String apiVersion) {
    int slash = apiVersion == null ? -1 : apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }
}
