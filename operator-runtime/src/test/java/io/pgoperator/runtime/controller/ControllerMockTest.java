package io.pgoperator.runtime.controller;

import io.pgoperator.runtime.testing.ApiServer;
import io.pgoperator.runtime.testing.MockApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The controller contract on fabric8's mock API server (fast). */
class ControllerMockTest extends ControllerContract {

  private static MockApi mock;

  @BeforeAll
  static void startMock() {
    mock = new MockApi();
  }

  @AfterAll
  static void stopMock() {
    mock.close();
  }

  @Override
  protected ApiServer server() {
    return mock;
  }
}
