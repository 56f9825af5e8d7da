/**
 * A small, domain-free reactive controller runtime on Vert.x 5 and fabric8. {@link
 * io.pgoperator.runtime.OperatorRuntime} starts and stops the parts in order; the packages show
 * the flow: {@code source} → {@code queue} → {@code controller} → {@code reconcile}, with {@code
 * leader} deciding who may write, {@code kube} the one seam for blocking client calls, and
 * {@code health}, {@code http} and {@code metrics} for probes and Prometheus.
 */
package io.pgoperator.runtime;
