package io.pgoperator.app.failover;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Per test: starts {@link OperatorProcesses} logging to {@code target/failover/<test>/}, prints
 * the tail of every replica's log when the test fails, and kills the processes afterwards.
 */
final class FailoverLogs implements BeforeEachCallback, AfterTestExecutionCallback, AfterEachCallback {

  private String testName = "unknown";
  private OperatorProcesses processes;

  OperatorProcesses processes(KubernetesClient admin, String kubeconfigYaml, String namespace, List<String> flags) {
    if (processes != null) {
      throw new IllegalStateException("one set of operator processes per test");
    }
    processes = new OperatorProcesses(admin, kubeconfigYaml, namespace, logDir(testName), flags);
    return processes;
  }

  static Path logDir(String test) {
    return Paths.get("target", "failover", test);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    testName = context.getRequiredTestMethod().getName();
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    if (processes != null && context.getExecutionException().isPresent()) {
      processes.printTails(System.err);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (processes != null) {
      processes.close();
      processes = null;
    }
  }
}
