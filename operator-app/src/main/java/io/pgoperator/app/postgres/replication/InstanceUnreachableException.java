package io.pgoperator.app.postgres.replication;

/** An instance did not answer the operator (or failed the request): says which, where and why. */
public final class InstanceUnreachableException extends RuntimeException {

  public InstanceUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
