/**
 * Leader election. {@link io.pgoperator.runtime.leader.Leadership} is what controllers see;
 * {@link io.pgoperator.runtime.leader.LeaderTerm} is the fencing token a write is checked against.
 * Without {@code --leader-elect}, {@link io.pgoperator.runtime.leader.AlwaysLeader} leads alone.
 */
package io.pgoperator.runtime.leader;
