package io.pgoperator.app.cli;

/** A bad command line or environment; the message is the text after {@code error: }. */
final class UsageException extends RuntimeException {

  UsageException(String message) {
    super(message, null, false, false);
  }
}
