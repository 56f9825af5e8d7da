/**
 * What the operator learns from the database itself: it connects to the primary over TLS
 * (verifying the server against the cluster's CA, by name) as its own role, reads replication
 * state and the system identifier ({@link io.pgoperator.app.postgres.replication.PrimaryMonitor}),
 * and drops the replication slots of instances that no longer exist. Non-blocking throughout
 * (the Vert.x PostgreSQL client, on the reconcile's event loop). Where the primary is reached is a
 * seam ({@link io.pgoperator.app.postgres.replication.InstanceAddresses}): in a cluster its Service
 * name, in tests the local process standing in for the pod.
 */
package io.pgoperator.app.postgres.replication;
