package io.pgoperator.runtime.leader;

import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The Pod and container a leader-election process runs in, as the kubelet knows them: written on
 * the Lease with every record this process writes, so that standbys can tell from the kubelet's
 * report on that Pod when the holder's process is gone (see {@link HolderDeath}). The uid, not
 * the name, identifies the Pod: a Pod recreated under the same name is another Pod.
 *
 * @param container the name of the container the process is the main process of
 */
public record HolderPod(String namespace, String name, String uid, String container) {

  /** Environment variables a Deployment sets (downward API for the first three). */
  public static final String NAMESPACE_ENV = "POD_NAMESPACE";
  public static final String NAME_ENV = "POD_NAME";
  public static final String UID_ENV = "POD_UID";
  public static final String CONTAINER_ENV = "CONTAINER_NAME";

  /** Where a Lease names its holder's Pod: namespace/name, uid, container. */
  public static final String POD_ANNOTATION = "runtime.pgoperator.io/holder-pod";
  public static final String POD_UID_ANNOTATION = "runtime.pgoperator.io/holder-pod-uid";
  public static final String CONTAINER_ANNOTATION = "runtime.pgoperator.io/holder-container";

  public HolderPod {
    requireText(namespace, "pod namespace");
    requireText(name, "pod name");
    requireText(uid, "pod uid");
    requireText(container, "container name");
  }

  /** This process's Pod from the environment; empty unless all four variables are set. */
  public static Optional<HolderPod> fromEnvironment() {
    return from(System::getenv);
  }

  static Optional<HolderPod> from(UnaryOperator<String> env) {
    String namespace = env.apply(NAMESPACE_ENV);
    String name = env.apply(NAME_ENV);
    String uid = env.apply(UID_ENV);
    String container = env.apply(CONTAINER_ENV);
    if (blank(namespace) || blank(name) || blank(uid) || blank(container)) {
      return Optional.empty();
    }
    return Optional.of(new HolderPod(namespace.trim(), name.trim(), uid.trim(), container.trim()));
  }

  /** The Pod a Lease's annotations name; null when any part is missing or malformed. */
  public static HolderPod fromAnnotations(java.util.Map<String, String> annotations) {
    if (annotations == null) {
      return null;
    }
    String pod = annotations.get(POD_ANNOTATION);
    String uid = annotations.get(POD_UID_ANNOTATION);
    String container = annotations.get(CONTAINER_ANNOTATION);
    int slash = pod == null ? -1 : pod.indexOf('/');
    if (slash <= 0 || slash == pod.length() - 1 || blank(uid) || blank(container)) {
      return null;
    }
    return new HolderPod(pod.substring(0, slash), pod.substring(slash + 1), uid, container);
  }

  /** This Pod as a Lease's annotations name it. */
  public java.util.Map<String, String> annotations() {
    return java.util.Map.of(POD_ANNOTATION, namespace + "/" + name, POD_UID_ANNOTATION, uid,
        CONTAINER_ANNOTATION, container);
  }

  @Override
  public String toString() {
    return namespace + "/" + name + " (uid " + uid + ", container " + container + ")";
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private static void requireText(String value, String what) {
    if (blank(value)) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
  }
}
