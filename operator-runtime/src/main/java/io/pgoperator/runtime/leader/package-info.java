/**
 * Leader election. {@link io.pgoperator.runtime.leader.Leadership} is what controllers see;
 * {@link io.pgoperator.runtime.leader.LeaderTerm} is the fencing token a write is checked against.
 * Without {@code --leader-elect}, {@link io.pgoperator.runtime.leader.AlwaysLeader} leads alone.
 *
 * <p>With it, {@link io.pgoperator.runtime.leader.LeaseElector} (a verticle) competes for a
 * {@code coordination.k8s.io/v1} Lease with client-go's fields and rules, so it and a client-go
 * elector exclude each other. The contract:
 * <ul>
 *   <li>Every write carries the resourceVersion it read; on 409 it re-reads, never overwrites.
 *   <li>A standby takes a held Lease only once the record has stayed unchanged for its {@code
 *       leaseDurationSeconds} on the standby's own monotonic clock, counted from when it saw the
 *       change; it watches the Lease, so an empty holder (a release) is taken at once and an
 *       expired one right at expiry, with a slow poll as fallback.
 *   <li>A term is valid only until the send time of the last successful renew plus the renew
 *       deadline; a timer ends it then (listeners told), and the replica competes again under a
 *       new term, or exits if configured to.
 *   <li>{@code release()} ends the term and tells listeners before it clears the holder.
 *   <li>A standby may also take a held Lease at once, by the same compare-and-swap, when the
 *       kubelet has reported the holder's process gone: the holder writes its Pod uid and
 *       container on the Lease ({@code HolderPod}), standbys watch that one Pod, and {@code
 *       HolderDeath} says yes only for a termination of that container that finished at or after
 *       the holder's {@code acquireTime} (or a terminal Pod phase with the container stopped). A
 *       dead process writes nothing, so there is nothing to fence. A vanished Pod, another uid, a
 *       still-running container, a node that stopped reporting (node loss, a partition, a paused
 *       process): no verdict, and the expiry rule applies.
 * </ul>
 * The protocol is {@code LeaseElection}, a plain state machine over a clock and a small
 * non-blocking {@code LeaseApi} ({@code KubeLeaseApi}: fabric8's async HTTP client plus an
 * informer), so it is tested with a fake clock and fake API.
 */
package io.pgoperator.runtime.leader;
