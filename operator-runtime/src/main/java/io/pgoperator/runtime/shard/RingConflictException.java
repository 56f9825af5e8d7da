package io.pgoperator.runtime.shard;

/** A ring Lease changed (or appeared, or went away) since it was read: re-read, never overwrite. */
final class RingConflictException extends RuntimeException {

  RingConflictException(String message) {
    super(message, null, false, false);
  }
}
