/**
 * Who may reconcile which key: {@link io.pgoperator.runtime.ownership.Ownership} splits the key
 * space into slots, each owned under a fencing term. Controllers and the fenced client depend on
 * this alone; {@link io.pgoperator.runtime.ownership.SingleLeader} adapts one Lease election (one
 * slot), and {@code io.pgoperator.runtime.shard} shares the slots among every replica.
 */
package io.pgoperator.runtime.ownership;
