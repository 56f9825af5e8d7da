/**
 * The one seam between Vert.x and the blocking fabric8 client. {@link
 * io.pgoperator.runtime.kube.KubeClients} builds a client on the operator's own Vert.x instance;
 * {@link io.pgoperator.runtime.kube.KubeCalls} runs blocking DSL calls on a named worker pool and
 * hands results back as futures on the caller's context. Writes are fenced: a write made by a
 * reconcile whose leadership term has ended is refused before it reaches the API server.
 */
package io.pgoperator.runtime.kube;
