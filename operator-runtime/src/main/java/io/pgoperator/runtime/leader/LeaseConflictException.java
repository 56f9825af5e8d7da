package io.pgoperator.runtime.leader;

/**
 * HTTP 409 on a Lease write: someone else created or changed the Lease since we read it. The
 * election re-reads and decides again; it never overwrites blindly.
 */
final class LeaseConflictException extends RuntimeException {

  LeaseConflictException(String message) {
    super(message, null, false, false);
  }
}
