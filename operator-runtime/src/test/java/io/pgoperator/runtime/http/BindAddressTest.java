package io.pgoperator.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BindAddressTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      ":8081                      | 0.0.0.0                 | 8081",
      ":0                         | 0.0.0.0                 | 0",
      "0.0.0.0:65535              | 0.0.0.0                 | 65535",
      "127.0.0.1:8080             | 127.0.0.1               | 8080",
      "255.255.255.255:1          | 255.255.255.255         | 1",
      "localhost:9443             | localhost               | 9443",
      "my-pod.ns.svc:1            | my-pod.ns.svc           | 1",
      "pod-0.svc.cluster.local:80 | pod-0.svc.cluster.local | 80",
      "[::1]:8081                 | ::1                     | 8081",
      "[::]:8081                  | ::                      | 8081",
      "[fe80::1:2]:1              | fe80::1:2               | 1",
      "[::ffff:10.0.0.1]:80       | ::ffff:10.0.0.1         | 80",
      "[fe80::1%eth0]:80          | fe80::1%eth0            | 80",
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

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
      "''|missing port",
      " |missing port",
      "8081|missing port",
      "localhost|missing port",
      "::1:8081|an IPv6 host must be in brackets, like [::1]:8080",
      "http://localhost:8080|an IPv6 host must be in brackets, like [::1]:8080",
      "[::1]|invalid IPv6 host [:",
      "[::1:8081|invalid IPv6 host [::1",
      "::1]:8081|invalid IPv6 host ::1]",
      "[zz::1]:80|invalid IPv6 host [zz::1]",
      "[127.0.0.1]:80|invalid IPv6 host [127.0.0.1]",
      "[1::2::3]:80|invalid IPv6 host [1::2::3]",
      "[fe80::1%]:80|invalid IPv6 host [fe80::1%]",
      "[fe80::1%a b]:80|invalid IPv6 host [fe80::1%a b]",
      "300.1.1.1:80|invalid IPv4 host 300.1.1.1",
      "1.2.3:80|invalid IPv4 host 1.2.3",
      "1.2.3.4.5:80|invalid IPv4 host 1.2.3.4.5",
      "1..2.3:80|invalid IPv4 host 1..2.3",
      "bad host:80|invalid host bad host",
      "bad_host:80|invalid host bad_host",
      "-leading-dash:80|invalid host -leading-dash",
      "trailing-dash-.svc:80|invalid host trailing-dash-.svc",
      "a..b:80|invalid host a..b",
      " :80|invalid host  ",
      "host:|port must be a number from 0 to 65535",
      "host:http|port must be a number from 0 to 65535",
      "host:-1|port must be a number from 0 to 65535",
      "host:65536|port must be a number from 0 to 65535",
      "host:123456|port must be a number from 0 to 65535",
      ":8081 |port must be a number from 0 to 65535",
  })
  void anythingElseIsRejectedNamingOnlyTheProblem(String text, String problem) {
    assertThatThrownBy(() -> BindAddress.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(problem);
  }

  @Test
  void hostNamesFollowDnsLengthLimits() {
    String label63 = "a".repeat(63);
    assertThat(BindAddress.parse(label63 + ".svc:80").host()).isEqualTo(label63 + ".svc");
    assertThatThrownBy(() -> BindAddress.parse("a".repeat(64) + ".svc:80"))
        .hasMessage("invalid host " + "a".repeat(64) + ".svc");
    String name254 = String.join(".", label63, label63, label63, "a".repeat(62));
    assertThatThrownBy(() -> BindAddress.parse(name254 + ":80"))
        .hasMessage("host name longer than 253 characters");
  }

  @Test
  void nullIsRejected() {
    assertThatThrownBy(() -> BindAddress.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("missing bind address");
  }

  @Test
  void acceptedFormsNameEveryShapeForCallersToAppend() {
    assertThat(BindAddress.ACCEPTED_FORMS)
        .contains("':8081'", "'127.0.0.1:8081'", "'[::1]:8081'", "'0' to disable");
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
