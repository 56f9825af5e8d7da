/**
 * The PostgresCluster controller: {@link io.pgoperator.app.postgres.PostgresOperator} wires it
 * onto the runtime, {@link io.pgoperator.app.postgres.PostgresClusterReconciler} reconciles one
 * cluster from the informer caches ({@link io.pgoperator.app.postgres.ClusterCache}) and
 * {@link io.pgoperator.app.postgres.EventRecorder} tells people what it did.
 *
 * <p>Contract: level-based and idempotent. A reconcile validates what the CRD schema cannot,
 * creates missing children, updates a child only when it no longer covers what the operator
 * sets ("desired ⊆ actual", see {@code Drift}), deletes only the read-only Service and the
 * PodDisruptionBudget when a cluster shrinks to one instance, never touches PVCs or an existing
 * credentials Secret's data, and writes the status only when it changed. Reconciling an
 * unchanged cluster makes no write request. Updates carry the cached resourceVersion (a 409 is
 * retried); {@code RecentWrites} keeps a reconcile from repeating its own write while the cache
 * still shows the version that write replaced. Create/update rather than server-side apply, so
 * the same code runs on the embedded mock API server.
 */
package io.pgoperator.app.postgres;
