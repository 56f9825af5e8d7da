/**
 * Footprint of the operator's replicas: {@code SizingBenchmark} starts a leader and a standby of
 * the fat jar per Java runtime ({@link io.pgoperator.app.sizing.JvmRuntime}: the tests' Java 17 and
 * the image's) with the image's JVM flags and environment under an emulated container memory limit
 * ({@link io.pgoperator.app.sizing.JvmProfile}), against an envtest API server of its own, loads
 * them with N PostgresClusters and the instance pods their StatefulSets ask for, and samples RSS
 * (from {@code /proc}), heap, metaspace, classes and threads of both, reconcile time and idle CPU.
 * It reports numbers and fails only when the harness does, never on a number.
 */
package io.pgoperator.app.sizing;
