package io.pgoperator.runtime.health;

/** The outcome of one check in one probe; {@code reason} is null unless it failed. */
record CheckResult(String name, Status status, String reason) {

  enum Status { OK, FAILED, EXCLUDED }

  static CheckResult ok(String name) {
    return new CheckResult(name, Status.OK, null);
  }

  static CheckResult failed(String name, String reason) {
    return new CheckResult(name, Status.FAILED, reason);
  }

  static CheckResult excluded(String name) {
    return new CheckResult(name, Status.EXCLUDED, null);
  }

  boolean failed() {
    return status == Status.FAILED;
  }
}
