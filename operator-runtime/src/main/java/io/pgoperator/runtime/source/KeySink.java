package io.pgoperator.runtime.source;

import io.pgoperator.runtime.reconcile.Request;

/** Where a source delivers keys; always called on the owning verticle's context. */
@FunctionalInterface
public interface KeySink {

  /** @param live true for a live watch event, false for an initial list or a resync */
  void accept(Request key, boolean live);
}
