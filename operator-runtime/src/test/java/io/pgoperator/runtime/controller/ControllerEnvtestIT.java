package io.pgoperator.runtime.controller;

import io.pgoperator.runtime.testing.ApiServer;
import io.pgoperator.runtime.testing.Envtest;
import io.pgoperator.runtime.testing.EnvtestDiagnostics;
import org.junit.jupiter.api.extension.ExtendWith;

/** The controller contract on a real kube-apiserver and etcd. */
@ExtendWith(EnvtestDiagnostics.class)
class ControllerEnvtestIT extends ControllerContract {

  @Override
  protected ApiServer server() {
    return Envtest.get();
  }
}
