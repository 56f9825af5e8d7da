package io.pgoperator.runtime.shard;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * One {@code coordination.k8s.io/v1} Lease of the ring, as the ring reads and writes it: a member's
 * heartbeat, a slot's owner record, or the single-leader Lease the ring must not run beside.
 *
 * @param holder the holder identity, "" when none (released or reaped)
 * @param transitions for a slot, the number of the owner's term; never decreases
 * @param resourceVersion what a compare-and-swap update must carry; null for a create
 */
record RingLease(
    String name,
    String holder,
    int transitions,
    int durationSeconds,
    Instant acquireTime,
    Instant renewTime,
    String resourceVersion,
    Map<String, String> labels,
    Map<String, String> annotations) {

  static final String RING_LABEL = "runtime.pgoperator.io/ring";
  static final String ROLE_LABEL = "runtime.pgoperator.io/role";
  static final String ROLE_MEMBER = "member";
  static final String ROLE_SLOT = "slot";
  /** On a member Lease: how many slots the member splits the keys into. */
  static final String SLOTS_ANNOTATION = "runtime.pgoperator.io/slots";
  /** On a slot Lease: its slot number. */
  static final String SLOT_ANNOTATION = "runtime.pgoperator.io/slot";
  /** On a member Lease: the member is handing its slots off to leave; it gets no new ones. */
  static final String LEAVING_ANNOTATION = "runtime.pgoperator.io/leaving";

  RingLease {
    holder = holder == null ? "" : holder;
    acquireTime = micros(acquireTime);
    renewTime = micros(renewTime);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  boolean hasHolder() {
    return !holder.isEmpty();
  }

  boolean isMember() {
    return ROLE_MEMBER.equals(labels.get(ROLE_LABEL));
  }

  boolean isSlot() {
    return ROLE_SLOT.equals(labels.get(ROLE_LABEL));
  }

  boolean leaving() {
    return annotations.containsKey(LEAVING_ANNOTATION);
  }

  RingLease markedLeaving() {
    Map<String, String> marked = new java.util.HashMap<>(annotations);
    marked.put(LEAVING_ANNOTATION, "true");
    return new RingLease(name, holder, transitions, durationSeconds, acquireTime, renewTime, resourceVersion, labels,
        marked);
  }

  /** The slot count a member Lease advertises, or -1. */
  int advertisedSlots() {
    try {
      return Integer.parseInt(annotations.getOrDefault(SLOTS_ANNOTATION, "-1"));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** This record held by {@code newHolder} as of {@code now}, with the given term number. */
  RingLease heldBy(String newHolder, int newTransitions, int seconds, Instant now) {
    return new RingLease(name, newHolder, newTransitions, seconds, now, now, resourceVersion, labels, annotations);
  }

  RingLease renewed(Instant now) {
    return new RingLease(name, holder, transitions, durationSeconds, acquireTime, now, resourceVersion, labels,
        annotations);
  }

  private static Instant micros(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MICROS);
  }
}
