package io.pgoperator.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BindAddressTest {

  @ParameterizedTest
  @CsvSource({
      ":8081,           0.0.0.0,       8081",
      "127.0.0.1:8080,  127.0.0.1,     8080",
      "localhost:9443,  localhost,     9443",
      "my-pod.ns.svc:1, my-pod.ns.svc, 1",
      "[::1]:8081,      ::1,           8081",
      "[::]:8081,       ::,            8081",
      "[fe80::1%eth0]:80, fe80::1%eth0, 80",
      ":0,              0.0.0.0,       0",
      "127.0.0.1:65535, 127.0.0.1,     65535",
  })
  void goStyleHostPortIsAccepted(String text, String host, int port) {
    BindAddress address = BindAddress.parse(text);

    assertThat(address.isDisabled()).isFalse();
    assertThat(address.host()).isEqualTo(host);
    assertThat(address.port()).isEqualTo(port);
  }

  @Test
  void zeroAsTheWholeAddressDisablesTheServer() {
    BindAddress address = BindAddress.parse("0");

    assertThat(address.isDisabled()).isTrue();
    assertThat(address).isEqualTo(BindAddress.disabled());
    assertThat(address.toString()).isEqualTo("0");
    assertThatThrownBy(address::port).isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", " ", "8081", "localhost", "::1:8081", "[::1]", "[::1:8081", "::1]:8081",
      "host:", "host:http", "host:-1", "host:65536", "host:123456", "bad host:80",
      "-leading-dash:80", "[zz::1]:80", "[127.0.0.1]:80", "http://localhost:8080"})
  void anythingElseIsRejectedNamingTheAcceptedForms(String text) {
    assertThatThrownBy(() -> BindAddress.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'")
        .hasMessageContaining("expected host:port such as ':8081'")
        .hasMessageContaining("'0' to disable");
  }

  @Test
  void nullIsRejectedWithTheAcceptedForms() {
    assertThatThrownBy(() -> BindAddress.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected host:port");
  }

  @Test
  void equalAddressesAreEqualAndPrintInGoForm() {
    assertThat(BindAddress.parse(":8081")).isEqualTo(BindAddress.parse("0.0.0.0:8081"));
    assertThat(BindAddress.parse(":8081")).hasSameHashCodeAs(BindAddress.parse("0.0.0.0:8081"));
    assertThat(BindAddress.parse(":8081")).isNotEqualTo(BindAddress.parse(":8080"));
    assertThat(BindAddress.parse("[::1]:0").toString()).isEqualTo("[::1]:0");
    assertThat(BindAddress.parse(":8081").toString()).isEqualTo("0.0.0.0:8081");
  }
}
