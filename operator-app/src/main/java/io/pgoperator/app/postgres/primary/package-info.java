/**
 * The primary role of a PostgreSQL cluster: which instance accepts writes, and how the role moves.
 * The decision is recorded in the cluster's status ({@link io.pgoperator.app.postgres.primary.PrimaryRecord}:
 * current, target, epoch) before anything acts on it, so the leading operator replica can change
 * at any step; {@link io.pgoperator.app.postgres.primary.PrimaryRoles} keeps the pods' role labels
 * (which the Services select on) in line with it, fails over when the primary is lost (choosing
 * with {@link io.pgoperator.app.postgres.primary.Candidates}, fencing the old primary first),
 * switches over on request and during rolling updates
 * ({@link io.pgoperator.app.postgres.primary.RollingUpdate}). Pure parts (record, candidates,
 * rolling-update steps, the pods as cached) are separate from the effects (instance connections
 * through {@code replication.InstanceClient}, fenced API writes through
 * {@link io.pgoperator.app.postgres.primary.RoleWrites}). The instances' side of the contract
 * (start as primary only when recorded, rejoin with pg_rewind, fence on a newer epoch) is the
 * instance script's, in {@code children.Scripts}.
 */
package io.pgoperator.app.postgres.primary;
