/**
 * Footprint of one operator process: {@code SizingBenchmark} starts the fat jar with the image's
 * JVM flags under an emulated container memory limit ({@link io.pgoperator.app.sizing.JvmProfile}),
 * against the shared envtest API server, loads it with N PostgresClusters, and samples RSS (from
 * {@code /proc}), heap, metaspace and threads (from {@code /metrics}), reconcile time and idle CPU.
 * It reports numbers and fails only when the harness does, never on a number.
 */
package io.pgoperator.app.sizing;
