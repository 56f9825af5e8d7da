package io.pgoperator.runtime.leader;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The election fields of a {@code coordination.k8s.io/v1} Lease (client-go's
 * LeaderElectionRecord) plus the resourceVersion that every update must carry. Times are
 * MicroTime on the wire, so they are kept at microsecond precision. Fields may be null when
 * another writer left them out.
 *
 * @param holderInstance which process wrote the record (annotation {@value #INSTANCE_ANNOTATION}):
 *     two processes that share a holder identity tell each other apart by it; null from writers
 *     that do not set it
 * @param holderPod the Pod and container the holder runs in (annotations {@value #POD_ANNOTATION},
 *     {@value #POD_UID_ANNOTATION}, {@value #CONTAINER_ANNOTATION}); null when the holder did not
 *     say, and then only the Lease's expiry tells that it is gone
 */
record LeaseRecord(
    String holderIdentity,
    Integer leaseDurationSeconds,
    Instant acquireTime,
    Instant renewTime,
    Integer leaseTransitions,
    String resourceVersion,
    String holderInstance,
    HolderPod holderPod) {

  static final String INSTANCE_ANNOTATION = "runtime.pgoperator.io/holder-instance";
  static final String POD_ANNOTATION = HolderPod.POD_ANNOTATION;
  static final String POD_UID_ANNOTATION = HolderPod.POD_UID_ANNOTATION;
  static final String CONTAINER_ANNOTATION = HolderPod.CONTAINER_ANNOTATION;

  /** A record from a writer that names no instance (client-go, kubectl). */
  LeaseRecord(String holderIdentity, Integer leaseDurationSeconds, Instant acquireTime, Instant renewTime,
      Integer leaseTransitions, String resourceVersion) {
    this(holderIdentity, leaseDurationSeconds, acquireTime, renewTime, leaseTransitions, resourceVersion, null);
  }

  /** A record that names the writing process but not its Pod. */
  LeaseRecord(String holderIdentity, Integer leaseDurationSeconds, Instant acquireTime, Instant renewTime,
      Integer leaseTransitions, String resourceVersion, String holderInstance) {
    this(holderIdentity, leaseDurationSeconds, acquireTime, renewTime, leaseTransitions, resourceVersion,
        holderInstance, null);
  }

  LeaseRecord withInstance(String instance) {
    return new LeaseRecord(holderIdentity, leaseDurationSeconds, acquireTime, renewTime, leaseTransitions,
        resourceVersion, instance, holderPod);
  }

  LeaseRecord {
    holderIdentity = holderIdentity == null ? "" : holderIdentity;
    acquireTime = micros(acquireTime);
    renewTime = micros(renewTime);
  }

  boolean hasHolder() {
    return !holderIdentity.isEmpty();
  }

  boolean heldBy(String identity) {
    return holderIdentity.equals(identity);
  }

  int transitions() {
    return leaseTransitions == null ? 0 : leaseTransitions;
  }

  private static Instant micros(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MICROS);
  }
}
