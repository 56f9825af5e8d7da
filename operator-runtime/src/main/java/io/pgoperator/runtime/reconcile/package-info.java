/**
 * The contract between the runtime and a controller's domain logic. A {@link
 * io.pgoperator.runtime.reconcile.Reconciler} reconciles a key ({@link
 * io.pgoperator.runtime.reconcile.Request}), never an event: it reads the current state from
 * informer caches, computes the desired state and applies the difference, so running it twice is
 * harmless. The outcome is a {@link io.pgoperator.runtime.reconcile.Result}; a failed future is
 * retried with backoff, a {@link io.pgoperator.runtime.reconcile.TerminalException} is not.
 */
package io.pgoperator.runtime.reconcile;
