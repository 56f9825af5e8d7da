package io.pgoperator.app.postgres;

import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ITs that run the operator on envtest: each test starts its own {@link OperatorHarness}
 * (a fresh namespace) into {@link #op}, which is stopped after the test; a failing test prints
 * the API server's log tail.
 */
@ExtendWith(EnvtestDiagnostics.class)
abstract class OperatorOnEnvtest {

  OperatorHarness op;

  @AfterEach
  void stopOperator() throws Exception {
    if (op != null) {
      op.close();
    }
  }
}
