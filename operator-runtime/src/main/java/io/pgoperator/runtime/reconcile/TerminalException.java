package io.pgoperator.runtime.reconcile;

/**
 * A failure that retrying cannot fix (an invalid spec, say). The runtime logs and counts it
 * and does not retry the key; the next change to the object triggers a fresh reconcile.
 */
public class TerminalException extends RuntimeException {

  public TerminalException(String message) {
    super(message);
  }

  public TerminalException(String message, Throwable cause) {
    super(message, cause);
  }
}
