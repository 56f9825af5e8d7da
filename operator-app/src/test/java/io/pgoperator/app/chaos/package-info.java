/**
 * The chaos soak: operator processes of the fat jar behind the fault proxy on an audited real API
 * server, under PostgresCluster churn and a seeded random fault every ~20 s (signals to the leader,
 * black holes, 503 storms, outages). {@code ChaosSoakBenchmark} reports convergence, writes after
 * a term ended (from the audit log), lost updates, leaderless time and recovery times, and never
 * fails on them; the other classes are its harness.
 */
package io.pgoperator.app.chaos;
