package io.pgoperator.app.postgres.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerCertificateTest {

  private static final Duration NINETY_DAYS = Duration.ofDays(90);
  private static final int TIMEOUT_MILLIS = 10_000;

  private final Instant now = Instant.now();
  private final CertificateAuthority ca =
      CertificateAuthority.create("orders CA", now, Duration.ofDays(3650));

  @Test
  void pemReadsBackToAnEqualCertificate() {
    ServerCertificate server = ca.issueServer("orders", List.of("localhost"),
        List.of("127.0.0.1"), now, NINETY_DAYS);

    ServerCertificate read = ServerCertificate.fromPem(server.certificatePem(),
        server.privateKeyPem());

    assertThat(read.certificate()).isEqualTo(server.certificate());
    assertThat(read.certificatePem()).isEqualTo(server.certificatePem());
    assertThat(read.privateKeyPem()).isEqualTo(server.privateKeyPem())
        .startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(read.notBefore()).isEqualTo(server.notBefore());
    assertThat(read.notAfter()).isEqualTo(server.notAfter());
    assertThat(read.covers(List.of("localhost"), List.of("127.0.0.1"))).isTrue();
    assertThat(read.issuedBy(ca)).isTrue();
  }

  @Test
  void fromPemReadsTheFirstCertificateOfAChain() {
    ServerCertificate server = ca.issueServer("orders", List.of("localhost"), List.of(), now,
        NINETY_DAYS);

    ServerCertificate read = ServerCertificate.fromPem(
        server.certificatePem() + ca.certificatePem(), server.privateKeyPem());

    assertThat(read.certificate()).isEqualTo(server.certificate());
  }

  @Test
  void fromPemRejectsGarbage() {
    ServerCertificate server = ca.issueServer("orders", List.of("localhost"), List.of(), now,
        NINETY_DAYS);

    assertThatThrownBy(() -> ServerCertificate.fromPem("not a certificate",
        server.privateKeyPem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unreadable certificate");
    assertThatThrownBy(() -> ServerCertificate.fromPem(server.certificatePem(), "not a key"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unreadable private key");
  }

  @Test
  void fromPemRejectsTheKeyOfAnotherCertificate() {
    ServerCertificate server = ca.issueServer("orders", List.of("localhost"), List.of(), now,
        NINETY_DAYS);
    ServerCertificate other = ca.issueServer("orders", List.of("localhost"), List.of(), now,
        NINETY_DAYS);

    assertThatThrownBy(() -> ServerCertificate.fromPem(server.certificatePem(),
        other.privateKeyPem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("private key does not match")
        .hasMessageContaining("CN=orders");
    assertThatThrownBy(() -> ServerCertificate.fromPem(server.certificatePem(),
        ca.privateKeyPem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("private key does not match");
  }

  @Test
  void coversComparesDnsNamesIgnoringCaseAndIpAddressesAsAddresses() {
    ServerCertificate server = ca.issueServer("orders",
        List.of("orders-rw.shop.svc", "*.orders-pods.shop.svc", "localhost"),
        List.of("10.0.0.7", "::1", "fd00::1"), now, NINETY_DAYS);

    assertThat(server.covers(List.of(), List.of())).isTrue();
    assertThat(server.covers(List.of("orders-rw.shop.svc", "localhost"), List.of("10.0.0.7")))
        .isTrue();
    assertThat(server.covers(List.of("ORDERS-RW.Shop.SVC", "*.orders-pods.shop.svc"), List.of()))
        .isTrue();
    assertThat(server.covers(List.of(), List.of("0:0:0:0:0:0:0:1", "fd00:0:0:0:0:0:0:1")))
        .isTrue();
    assertThat(server.covers(List.of(), List.of("0000:0000:0000:0000:0000:0000:0000:0001")))
        .isTrue();

    assertThat(server.covers(List.of("orders-ro.shop.svc"), List.of())).isFalse();
    assertThat(server.covers(List.of("orders-0.orders-pods.shop.svc"), List.of()))
        .as("a wildcard matches only itself").isFalse();
    assertThat(server.covers(List.of("localhost"), List.of("10.0.0.8"))).isFalse();
    assertThat(server.covers(List.of(), List.of("::2"))).isFalse();
    assertThat(server.covers(List.of(), List.of("127.0.0.1"))).isFalse();
    assertThatThrownBy(() -> server.covers(List.of(), List.of("localhost")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an IPv4 or IPv6 address");
  }

  @Test
  void issuedByChecksIssuerAndSignature() {
    ServerCertificate server = ca.issueServer("orders", List.of("localhost"), List.of(), now,
        NINETY_DAYS);
    CertificateAuthority sameName =
        CertificateAuthority.create("orders CA", now, Duration.ofDays(3650));
    CertificateAuthority otherName =
        CertificateAuthority.create("billing CA", now, Duration.ofDays(3650));

    assertThat(server.issuedBy(ca)).isTrue();
    assertThat(server.issuedBy(CertificateAuthority.fromPem(ca.certificatePem(),
        ca.privateKeyPem()))).isTrue();
    assertThat(server.issuedBy(sameName)).as("same subject, other key").isFalse();
    assertThat(server.issuedBy(otherName)).isFalse();
  }

  @Test
  void expiresWithinCountsTheValidityLeft() {
    Instant issued = Instant.parse("2030-01-01T00:00:00Z");
    ServerCertificate server = ca.issueServer("orders", List.of("localhost"), List.of(),
        issued, NINETY_DAYS);
    Instant end = issued.plus(NINETY_DAYS);
    Duration month = Duration.ofDays(30);

    assertThat(server.notAfter()).isEqualTo(end);
    assertThat(server.expiresWithin(issued, month)).isFalse();
    assertThat(server.expiresWithin(end.minus(month), month)).isFalse();
    assertThat(server.expiresWithin(end.minus(month).plusSeconds(1), month)).isTrue();
    assertThat(server.expiresWithin(end, Duration.ZERO)).as("valid through notAfter").isFalse();
    assertThat(server.expiresWithin(end.plusSeconds(1), Duration.ZERO)).as("expired").isTrue();
    assertThat(server.expiresWithin(issued.minus(Duration.ofMinutes(6)), month))
        .as("not valid yet").isTrue();
    assertThatThrownBy(() -> server.expiresWithin(issued, Duration.ofDays(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void aClientTrustingOnlyTheCaCompletesAHandshakeWithLocalhost(String protocol)
      throws Exception {
    ServerCertificate server = ca.issueServer("orders", List.of("localhost"), List.of(), now,
        NINETY_DAYS);

    assertThat(handshake(server, ca, "localhost", protocol)).isEqualTo(server.certificate());
  }

  @Test
  void aClientVerifiesAnIpAddressAgainstTheIpSan() throws Exception {
    ServerCertificate server = ca.issueServer("orders", List.of("db.example.com"),
        List.of("127.0.0.1"), now, NINETY_DAYS);

    assertThat(handshake(server, ca, "127.0.0.1", "TLSv1.3")).isEqualTo(server.certificate());
  }

  @Test
  void theHandshakeFailsWhenTheCertificateDoesNotNameTheHost() {
    ServerCertificate server = ca.issueServer("localhost", List.of("db.example.com"),
        List.of("127.0.0.1"), now, NINETY_DAYS);

    assertThatThrownBy(() -> handshake(server, ca, "localhost", "TLSv1.3"))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("localhost");
  }

  @Test
  void theHandshakeFailsWhenTheClientTrustsAnotherCa() {
    CertificateAuthority other =
        CertificateAuthority.create("orders CA", now, Duration.ofDays(3650));
    ServerCertificate server = other.issueServer("orders", List.of("localhost"), List.of(), now,
        NINETY_DAYS);

    assertThatThrownBy(() -> handshake(server, ca, "localhost", "TLSv1.3"))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("PKIX");
  }

  /**
   * Serves {@code server} (with its issuer in the chain) on 127.0.0.1 and connects to it as
   * {@code host}, trusting only {@code trusted} and checking the host name as HTTPS does.
   *
   * @return the certificate the client was shown, once a byte went back and forth
   */
  private static Certificate handshake(ServerCertificate server, CertificateAuthority trusted,
      String host, String protocol) throws Exception {
    char[] password = "secret".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("server", server.privateKey(), password,
        new Certificate[] {server.certificate()});
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, password);
    SSLContext serverContext = SSLContext.getInstance("TLS");
    serverContext.init(keyManagers.getKeyManagers(), null, null);

    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry("ca", trusted.certificate());
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(anchors);
    SSLContext clientContext = SSLContext.getInstance("TLS");
    clientContext.init(null, trustManagers.getTrustManagers(), null);

    InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
        .createServerSocket(0, 1, loopback)) {
      listener.setSoTimeout(TIMEOUT_MILLIS);
      listener.setEnabledProtocols(new String[] {protocol});
      Future<?> served = executor.submit(() -> {
        try (Socket accepted = listener.accept()) {
          accepted.setSoTimeout(TIMEOUT_MILLIS);
          accepted.getOutputStream().write(accepted.getInputStream().read());
        }
        return null;
      });
      Certificate shown;
      try (Socket tcp = new Socket(loopback, listener.getLocalPort());
          SSLSocket client = (SSLSocket) clientContext.getSocketFactory()
              .createSocket(tcp, host, listener.getLocalPort(), true)) {
        tcp.setSoTimeout(TIMEOUT_MILLIS);
        SSLParameters parameters = client.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setProtocols(new String[] {protocol});
        client.setSSLParameters(parameters);
        client.startHandshake();
        assertThat(client.getSession().getProtocol()).isEqualTo(protocol);

        OutputStream out = client.getOutputStream();
        out.write(42);
        out.flush();
        InputStream in = client.getInputStream();
        assertThat(in.read()).isEqualTo(42);
        shown = client.getSession().getPeerCertificates()[0];
      }
      served.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      return shown;
    } finally {
      executor.shutdownNow();
    }
  }
}
