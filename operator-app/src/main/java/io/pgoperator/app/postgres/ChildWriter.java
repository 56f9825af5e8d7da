package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.runtime.kube.KubeCalls;
import io.pgoperator.runtime.reconcile.Request;
import io.pgoperator.runtime.reconcile.TerminalException;
import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Creates, repairs and deletes a cluster's children through {@link KubeCalls}: create when
 * absent, update (with the cached resourceVersion, so a stale cache ends in 409 and a retry)
 * when the actual object no longer covers the desired one ({@link Drift}), nothing otherwise.
 * The repair is laid over the cached object, which the caches keep whole for every child (see
 * {@link ClusterCache}; {@code CachedDriftTest} proves it the same as over the object served).
 * Each change is logged once and recorded as a Normal event on the cluster.
 */
final class ChildWriter {

  private static final Logger log = LoggerFactory.getLogger(ChildWriter.class);
  private static final int MAX_PATHS_SHOWN = 5;

  private final KubeCalls calls;
  private final EventRecorder events;
  private final RecentWrites recent;

  ChildWriter(KubeCalls calls, EventRecorder events, RecentWrites recent) {
    this.calls = calls;
    this.events = events;
    this.recent = recent;
  }

  /**
   * Makes the child match {@code desired}. {@code actual} is the cached object or null.
   * Completes with the object as the API server now has it.
   */
  <T extends HasMetadata> Future<T> ensure(PostgresCluster owner, T desired, T actual) {
    if (actual == null) {
      return create(owner, desired, desired);
    }
    return repair(owner, desired, actual);
  }

  /**
   * Creates {@code toCreate} when absent; when it exists, repairs only what {@code desired}
   * holds (for the credentials Secret: its metadata, never its data).
   */
  <T extends HasMetadata> Future<T> create(PostgresCluster owner, T toCreate, T desired) {
    return calls.<T>write("create " + describe(toCreate), client -> client.resource(toCreate).create())
        .transform(created -> {
          if (created.succeeded()) {
            return announce(owner, "Created", created.result(), "");
          }
          if (status(created.cause()) == 409) {
            // Not in the cache yet, or not labelled as ours: read it once and repair it.
            return calls.<T>read(client -> client.resource(desired).get())
                .compose(live -> live == null
                    ? Future.failedFuture(context("create " + describe(toCreate), created.cause()))
                    : repair(owner, desired, live));
          }
          return Future.failedFuture(context("create " + describe(toCreate), created.cause()));
        });
  }

  /** Updates {@code actual} when it does not cover {@code desired}. */
  @SuppressWarnings("unchecked")
  <T extends HasMetadata> Future<T> repair(PostgresCluster owner, T desired, T actual) {
    try {
      refuseForeignController(owner, actual);
    } catch (TerminalException e) {
      return Future.failedFuture(e);
    }
    JsonNode desiredTree = Drift.tree(desired);
    JsonNode actualTree = Drift.tree(actual);
    List<String> drift = Drift.differences(desiredTree, actualTree);
    if (drift.isEmpty()) {
      return Future.succeededFuture(actual);
    }
    T merged = Drift.fromTree(Drift.overlay(actualTree, desiredTree), (Class<T>) actual.getClass());
    return calls.<T>write("update " + describe(actual), client -> client.resource(merged).update())
        .recover(error -> Future.failedFuture(context("update " + describe(actual), error)))
        .onSuccess(updated -> recent.updated(Request.of(owner), actual, updated))
        .compose(updated -> announce(owner, "Updated", updated, " (" + summary(drift) + ")"));
  }

  /** Deletes a child that should no longer exist, if it is ours. */
  Future<Void> delete(PostgresCluster owner, HasMetadata actual, String why) {
    if (!isControlledBy(actual, owner)) {
      log.info("leaving {} alone although {}: it is not controlled by this cluster",
          describe(actual), why);
      return Future.succeededFuture();
    }
    // Only the object as it was read: a late delete (sent in a term that has ended) of something
    // the new leader has since recreated or changed conflicts instead of removing it.
    return calls.write("delete " + describe(actual), client -> client.resource(actual).lockResourceVersion().delete())
        .recover(error -> Future.failedFuture(context("delete " + describe(actual), error)))
        .onSuccess(deleted -> recent.deleted(Request.of(owner), actual))
        .compose(deleted -> announce(owner, "Deleted", actual, " (" + why + ")"))
        .mapEmpty();
  }

  private <T extends HasMetadata> Future<T> announce(PostgresCluster owner, String verb, T child,
      String detail) {
    log.info("{} {}{}", verb.toLowerCase(), describe(child), detail);
    return events.normal(owner, verb, verb + " " + child.getKind() + " "
        + child.getMetadata().getName() + detail).map(child);
  }

  /** Another controller's object of the same name is not ours to take over. */
  private static void refuseForeignController(PostgresCluster owner, HasMetadata actual) {
    List<OwnerReference> refs = actual.getMetadata().getOwnerReferences();
    if (refs == null) {
      return;
    }
    for (OwnerReference ref : refs) {
      boolean ours = PostgresCluster.KIND.equals(ref.getKind())
          && ref.getApiVersion() != null
          && ref.getApiVersion().startsWith(PostgresCluster.GROUP + "/")
          && owner.getMetadata().getName().equals(ref.getName());
      if (Boolean.TRUE.equals(ref.getController()) && !ours) {
        throw new TerminalException(describe(actual) + " already exists and is controlled by "
            + ref.getKind() + " " + ref.getName() + "; delete or rename it so PostgresCluster "
            + owner.getMetadata().getName() + " can manage it");
      }
    }
  }

  static boolean isControlledBy(HasMetadata child, PostgresCluster owner) {
    List<OwnerReference> refs = child.getMetadata().getOwnerReferences();
    return refs != null && refs.stream().anyMatch(ref -> Boolean.TRUE.equals(ref.getController())
        && owner.getMetadata().getUid().equals(ref.getUid()));
  }

  static int status(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k) {
        return k.getCode();
      }
    }
    return 0;
  }

  static String describe(HasMetadata object) {
    return object.getKind() + " " + object.getMetadata().getNamespace() + "/"
        + object.getMetadata().getName();
  }

  private static String summary(List<String> drift) {
    String shown = String.join(", ", drift.subList(0, Math.min(MAX_PATHS_SHOWN, drift.size())));
    return drift.size() > MAX_PATHS_SHOWN
        ? shown + " and " + (drift.size() - MAX_PATHS_SHOWN) + " more" : shown;
  }

  private static ChildWriteException context(String step, Throwable cause) {
    return new ChildWriteException(step + " failed: " + reason(cause), cause);
  }

  /** The API server's own message (HTTP code and why) when there is one; no request dump. */
  static String reason(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getStatus() != null
          && k.getStatus().getMessage() != null) {
        return k.getCode() + " " + k.getStatus().getReason() + ": " + k.getStatus().getMessage();
      }
    }
    return String.valueOf(error.getMessage() == null ? error : error.getMessage());
  }

  /** A failed write of a child, with the step in its message; the cause keeps the HTTP code. */
  static final class ChildWriteException extends RuntimeException {
    ChildWriteException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
