package io.pgoperator.runtime.kube;

/**
 * A write refused because the reconcile that issued it started under a leadership term that has
 * since ended: another replica may already lead, so this one must not touch the cluster.
 */
public final class FencedWriteException extends IllegalStateException {

  public FencedWriteException(String message) {
    super(message);
  }
}
