package io.pgoperator.runtime.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Prints the tail of the API server's and etcd's log when a real-server test fails. */
public final class EnvtestDiagnostics implements TestWatcher {

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    System.err.println("test " + context.getDisplayName() + " failed on the envtest API server");
    EnvtestLogs.printTail(System.err);
  }
}
