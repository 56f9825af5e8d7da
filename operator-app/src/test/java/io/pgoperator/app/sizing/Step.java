package io.pgoperator.app.sizing;

import java.time.Duration;

/**
 * What one operator process looked like with {@code clusters} PostgresClusters cached, sampled at
 * the end of an idle window after all were reconciled. Byte values; -1 when not measured.
 *
 * @param role {@code leader} or {@code standby}
 * @param children the objects the operator caches besides the clusters (its children, the instance pods)
 * @param reconcile from the first create of this step's new clusters until all were reconciled
 * @param reconcileCpu CPU this process used over that time
 * @param idleCpu CPU this process used over the idle window
 * @param idleReconciles reconciles during the idle window (0 unless something is still moving)
 * @param rssAnon the anonymous part of rss (heap, metaspace, stacks, malloc); the rest maps files (libjvm, CDS)
 * @param heapLive heap used right after a full GC ({@code jcmd GC.run}): the live set
 * @param threads the process's threads, the JVM's own included ({@code /proc/<pid>/status})
 * @param exit non-empty when the operator exited during the step (e.g. out of memory)
 */
record Step(String runtime, String profile, String role, int clusters, int children, Duration reconcile,
    Duration reconcileCpu, Duration idle, Duration idleCpu, long idleReconciles, long rss, long rssAnon, long peakRss,
    double heapUsed, double heapCommitted, double heapLive, double metaspace, double nonHeap, double direct,
    int classes, int threads, String exit) {

  static Step exited(String runtime, String profile, String role, int clusters, String exit) {
    return new Step(runtime, profile, role, clusters, -1, null, null, null, null, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, exit);
  }

  double idleCpuPercent() {
    return idle == null || idle.isZero() ? -1 : 100.0 * idleCpu.toMillis() / idle.toMillis();
  }
}
