/**
 * Active-active sharding: every replica reconciles a share of the keys. The key space is split
 * into fixed slots ({@link io.pgoperator.runtime.shard.SlotHash}); each slot's owner is recorded
 * in a Lease per slot and moves only by compare-and-swap; replicas announce themselves with a
 * member Lease renewed like a leader's; every replica computes the same balanced assignment from
 * the members it sees ({@link io.pgoperator.runtime.shard.SlotAssignment}), with no central
 * sharder, webhook or labels on user objects. A slot's term fences its keys' writes exactly as a
 * leader's term fences all writes. {@link io.pgoperator.runtime.shard.SlotRing} holds the rules;
 * {@link io.pgoperator.runtime.shard.ShardedOwnership} is the verticle the runtime deploys.
 */
package io.pgoperator.runtime.shard;
