package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.children.ChildMeta;
import io.pgoperator.app.postgres.children.PostgresStatefulSet;
import io.pgoperator.app.postgres.primary.InstancePods;
import io.pgoperator.app.postgres.primary.PrimaryRecord;
import io.pgoperator.app.postgres.primary.PrimaryRoles;
import io.pgoperator.app.postgres.replication.InstanceClient;
import io.pgoperator.app.postgres.replication.InstanceCredentials;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reconcile's look at the database: once the recorded primary is Ready, ask it (see
 * {@link InstanceClient}) for the instances' replication state, make the replication slots the
 * other instances stream through where missing (a promoted standby has none), and drop the
 * slots of instances a scale-down removed. An unreachable primary is a status line, not a failed
 * reconcile; a system identifier that changed under a recorded one is a Warning Event (a primary
 * that is not the database the cluster had). Not while the primary role moves.
 */
final class ReplicationObserver {

  /** How often a watched cluster's replication state is read again. */
  static final Duration PERIOD = Duration.ofSeconds(60);
  static final String REASON_SLOT_DROPPED = "ReplicationSlotDropped";
  static final String REASON_SYSTEM_IDENTIFIER = "SystemIdentifierChanged";

  private static final Logger log = LoggerFactory.getLogger(ReplicationObserver.class);

  private final InstanceClient instances;
  private final EventRecorder events;
  private final PrimaryRoles roles;

  ReplicationObserver(InstanceClient instances, EventRecorder events, PrimaryRoles roles) {
    this.instances = instances;
    this.events = events;
    this.roles = roles;
  }

  /** Empty while there is nothing to ask: no Ready primary, credentials not cached, or the role moving. */
  Future<Optional<Members.View>> observe(PostgresCluster cluster, StatefulSet statefulSet, PrimaryRecord record,
      InstanceCredentials credentials, InstancePods pods) {
    int size = statefulSet == null || statefulSet.getSpec().getReplicas() == null ? 0
        : statefulSet.getSpec().getReplicas();
    boolean anyReady = statefulSet != null && statefulSet.getStatus() != null
        && statefulSet.getStatus().getReadyReplicas() != null && statefulSet.getStatus().getReadyReplicas() > 0;
    boolean primaryReady = pods.get(record.current()).isPresent() ? pods.serving(record.current()) : anyReady;
    if (size == 0 || !primaryReady || credentials == null || record.changing()) {
      return Future.succeededFuture(Optional.empty());
    }
    String name = cluster.getMetadata().getName();
    String primary = record.current();
    return instances.replication(cluster, primary, credentials)
        .compose(report -> {
          roles.primaryPosition(cluster, report.walPosition());
          Members.View view = Members.of(name, primary, size, PostgresStatefulSet.maxStandbyLagBytes(cluster), report);
          return systemIdentifierCheck(cluster, primary, view)
              .compose(v -> ensureSlots(cluster, primary, credentials, pods, report))
              .compose(v -> dropObsoleteSlots(cluster, primary, credentials, view))
              .map(v -> Optional.of(view));
        })
        .recover(error -> {
          log.debug("PostgresCluster {}/{}: primary not reachable: {}", cluster.getMetadata().getNamespace(),
              name, error.toString());
          return Future.succeededFuture(Optional.of(Members.unreachable(name, primary, size, reason(error))));
        });
  }

  private Future<Void> systemIdentifierCheck(PostgresCluster cluster, String primary, Members.View view) {
    String recorded = cluster.getStatus() == null ? null : cluster.getStatus().getSystemIdentifier();
    if (recorded == null || recorded.equals(view.systemIdentifier())) {
      return Future.succeededFuture();
    }
    return events.warning(cluster, REASON_SYSTEM_IDENTIFIER, "The primary " + primary
        + " is database system " + view.systemIdentifier() + ", not " + recorded
        + " as recorded: it was initialised anew; the standbys (if any) hold the earlier data");
  }

  /**
   * The slot of every standby (an instance labelled replica: seen in recovery) on the primary: a
   * promoted primary has none, and its standbys, which reconnect by themselves, would stream
   * without one (or not at all). Instances still cloning make their own.
   */
  private Future<Void> ensureSlots(PostgresCluster cluster, String primary, InstanceCredentials credentials,
      InstancePods pods, io.pgoperator.app.postgres.replication.ReplicationReport report) {
    List<String> missing = new ArrayList<>();
    for (io.fabric8.kubernetes.api.model.Pod pod : pods.all()) {
      String name = pod.getMetadata().getName();
      String slot = Members.slotName(name);
      if (!name.equals(primary) && ChildMeta.ROLE_REPLICA.equals(InstancePods.role(pod)) && report.slot(slot).isEmpty()) {
        missing.add(slot);
      }
    }
    if (missing.isEmpty()) {
      return Future.succeededFuture();
    }
    return instances.ensureSlots(cluster, primary, credentials, missing)
        .onSuccess(made -> {
          if (!made.isEmpty()) {
            log.info("PostgresCluster {}/{}: made replication slots {} on the primary {}",
                cluster.getMetadata().getNamespace(), cluster.getMetadata().getName(), made, primary);
          }
        })
        .<Void>mapEmpty()
        .otherwise(error -> {
          log.warn("PostgresCluster {}/{}: could not make replication slots {} on {}: {}",
              cluster.getMetadata().getNamespace(), cluster.getMetadata().getName(), missing, primary, error.toString());
          return null;
        });
  }

  private Future<Void> dropObsoleteSlots(PostgresCluster cluster, String primary, InstanceCredentials credentials,
      Members.View view) {
    Future<Void> done = Future.succeededFuture();
    for (String slot : view.obsoleteSlots()) {
      done = done.compose(v -> instances.dropInactiveSlot(cluster, primary, credentials, slot))
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
