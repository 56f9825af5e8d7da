/**
 * The one seam between Vert.x and the blocking fabric8 client. {@link
 * io.pgoperator.runtime.kube.KubeClients} builds a client on the operator's own Vert.x instance;
 * {@link io.pgoperator.runtime.kube.KubeCalls} runs blocking DSL calls on a named worker pool and
 * hands results back as futures on the caller's context. Writes are fenced: a write made by a
 * reconcile whose leadership term has ended is refused before it reaches the API server, each
 * of its HTTP requests is checked again as it leaves, never repeated by the client, and abandoned
 * when its term's deadline passes (or after the write timeout, if sooner). A term that ends before
 * its deadline does so because the replica stepped down after a drain (nothing in flight) or saw
 * another holder (who could take the Lease only after this term's deadline), so the deadline is
 * the bound that matters.
 */
package io.pgoperator.runtime.kube;
