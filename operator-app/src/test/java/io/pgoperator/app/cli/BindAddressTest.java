package io.pgoperator.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BindAddressTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      ":8081           | ''             | 8081  | 0.0.0.0",
      ":0              | ''             | 0     | 0.0.0.0",
      "0.0.0.0:65535   | 0.0.0.0        | 65535 | 0.0.0.0",
      "127.0.0.1:8080  | 127.0.0.1      | 8080  | 127.0.0.1",
      "[::]:8080       | [::]           | 8080  | ::",
      "[::1]:9090      | [::1]          | 9090  | ::1",
      "[fe80::1:2]:1   | [fe80::1:2]    | 1     | fe80::1:2",
      "localhost:8080  | localhost      | 8080  | localhost",
      "pod-0.svc.cluster.local:80 | pod-0.svc.cluster.local | 80 | pod-0.svc.cluster.local",
  })
  void acceptsGoListenAddresses(String text, String host, int port, String listenHost) {
    BindAddress address = BindAddress.parse(text);
    assertThat(address).isEqualTo(new BindAddress(host, port));
    assertThat(address.listenHost()).isEqualTo(listenHost);
    assertThat(address.toString()).isEqualTo(text);
  }
}
