package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.children.ChildNames;
import io.pgoperator.app.postgres.children.CredentialsSecret;
import io.pgoperator.app.postgres.children.InternalCredentials;
import io.pgoperator.app.postgres.children.PostgresStatefulSet;
import io.pgoperator.app.postgres.replication.PrimaryMonitor;
import io.pgoperator.app.postgres.tls.CertificateAuthority;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reconcile's look at the database: once the primary is Ready, ask it (see
 * {@link PrimaryMonitor}) for the instances' replication state and drop the slots of instances
 * a scale-down removed. An unreachable primary is a status line, not a failed reconcile; a
 * system identifier that changed under a recorded one is a Warning Event (a primary that is not
 * the database the cluster had).
 */
final class ReplicationObserver {

  /** How often a watched cluster's replication state is read again. */
  static final Duration PERIOD = Duration.ofSeconds(60);
  static final String REASON_SLOT_DROPPED = "ReplicationSlotDropped";
  static final String REASON_SYSTEM_IDENTIFIER = "SystemIdentifierChanged";

  private static final Logger log = LoggerFactory.getLogger(ReplicationObserver.class);

  private final PrimaryMonitor monitor;
  private final EventRecorder events;

  ReplicationObserver(PrimaryMonitor monitor, EventRecorder events) {
    this.monitor = monitor;
    this.events = events;
  }

  /** Empty while there is nothing to ask: no Ready instance yet, or the credentials not cached yet. */
  Future<Optional<Members.View>> observe(PostgresCluster cluster, StatefulSet statefulSet,
      CertificateAuthority authority, Secret internalCredentials) {
    int instances = statefulSet == null || statefulSet.getSpec().getReplicas() == null ? 0
        : statefulSet.getSpec().getReplicas();
    boolean primaryReady = statefulSet != null && statefulSet.getStatus() != null
        && statefulSet.getStatus().getReadyReplicas() != null && statefulSet.getStatus().getReadyReplicas() > 0;
    String password = internalCredentials == null ? null
        : CredentialsSecret.value(internalCredentials, InternalCredentials.OPERATOR_PASSWORD);
    if (instances == 0 || !primaryReady || authority == null || password == null) {
      return Future.succeededFuture(Optional.empty());
    }
    String name = cluster.getMetadata().getName();
    String ca = authority.certificatePem();
    return monitor.read(cluster, password, ca)
        .compose(report -> {
          Members.View view = Members.of(name, instances, PostgresStatefulSet.maxStandbyLagBytes(cluster), report);
          return systemIdentifierCheck(cluster, view)
              .compose(v -> dropObsoleteSlots(cluster, password, ca, view))
              .map(v -> Optional.of(view));
        })
        .recover(error -> {
          log.debug("PostgresCluster {}/{}: primary not reachable: {}", cluster.getMetadata().getNamespace(),
              name, error.toString());
          return Future.succeededFuture(Optional.of(Members.unreachable(name, instances, reason(error))));
        });
  }

  private Future<Void> systemIdentifierCheck(PostgresCluster cluster, Members.View view) {
    String recorded = cluster.getStatus() == null ? null : cluster.getStatus().getSystemIdentifier();
    if (recorded == null || recorded.equals(view.systemIdentifier())) {
      return Future.succeededFuture();
    }
    return events.warning(cluster, REASON_SYSTEM_IDENTIFIER, "The primary " + ChildNames.pod(cluster.getMetadata().getName(), 0)
        + " is database system " + view.systemIdentifier() + ", not " + recorded
        + " as recorded: it was initialised anew; the standbys (if any) hold the earlier data");
  }

  private Future<Void> dropObsoleteSlots(PostgresCluster cluster, String password, String ca, Members.View view) {
    Future<Void> done = Future.succeededFuture();
    for (String slot : view.obsoleteSlots()) {
      done = done.compose(v -> monitor.dropInactiveSlot(cluster, password, ca, slot))
          .compose(dropped -> dropped
              ? events.normal(cluster, REASON_SLOT_DROPPED, "Dropped replication slot " + slot
                  + " on the primary: its instance was removed by scaling down, and it held WAL for nothing")
              : Future.<Void>succeededFuture());
    }
    return done;
  }

  private static String reason(Throwable error) {
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
  }
}
