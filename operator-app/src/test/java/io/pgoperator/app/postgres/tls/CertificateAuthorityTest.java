package io.pgoperator.app.postgres.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

  private static final Duration TEN_YEARS = Duration.ofDays(3650);
  private static final Duration NINETY_DAYS = Duration.ofDays(90);
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

  private final Instant now = Instant.now();

  @Test
  void createMakesASelfSignedCaThatSignsEndEntitiesOnly() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("orders CA", now, TEN_YEARS);
    X509Certificate cert = ca.certificate();

    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=orders CA,O=pg-operator");
    assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
    assertThatCode(() -> cert.verify(cert.getPublicKey())).doesNotThrowAnyException();
    assertThat(cert.getVersion()).isEqualTo(3);
    assertThat(cert.getBasicConstraints()).isZero();
    assertThat(cert.getKeyUsage()).startsWith(false, false, false, false, false, true, true, false);
    assertThat(cert.getCriticalExtensionOIDs()).containsExactlyInAnyOrder(BASIC_CONSTRAINTS,
        KEY_USAGE);
    assertThat(cert.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(cert.getPublicKey()).isInstanceOfSatisfying(ECPublicKey.class,
        key -> assertThat(key.getParams().getCurve().getField().getFieldSize()).isEqualTo(256));
    Instant second = now.truncatedTo(ChronoUnit.SECONDS);
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(second.minus(Duration.ofMinutes(5)));
    assertThat(ca.notAfter()).isEqualTo(second.plus(TEN_YEARS))
        .isEqualTo(cert.getNotAfter().toInstant());
  }

  @Test
  void serialNumbersArePositiveRandomAndFitIn128Bits() {
    BigInteger first = CertificateAuthority.create("a", now, TEN_YEARS).certificate()
        .getSerialNumber();
    BigInteger second = CertificateAuthority.create("a", now, TEN_YEARS).certificate()
        .getSerialNumber();
    assertThat(first).isPositive().isNotEqualTo(second);
    assertThat(first.bitLength()).isLessThanOrEqualTo(128);
    assertThat(second).isPositive();
    assertThat(second.bitLength()).isLessThanOrEqualTo(128);
  }

  @Test
  void theBouncyCastleProviderIsNeverRegistered() {
    CertificateAuthority ca = CertificateAuthority.create("orders CA", now, TEN_YEARS);
    ServerCertificate server = ca.issueServer("orders", List.of("localhost"), List.of(), now,
        NINETY_DAYS);
    CertificateAuthority.fromPem(ca.certificatePem(), ca.privateKeyPem());
    ServerCertificate.fromPem(server.certificatePem(), server.privateKeyPem());

    assertThat(Security.getProvider("BC")).isNull();
    assertThat(ca.certificate().getClass().getName()).startsWith("sun.security.");
  }

  @Test
  void pemIsCanonicalAndReadsBackToAnEqualCa() {
    CertificateAuthority ca = CertificateAuthority.create("orders CA", now, TEN_YEARS);

    assertThat(ca.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----\n")
        .endsWith("\n-----END CERTIFICATE-----\n");
    assertThat(ca.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("\n-----END PRIVATE KEY-----\n");
    List<String> body = bodyLines(ca.certificatePem());
    assertThat(body.subList(0, body.size() - 1)).allSatisfy(line -> assertThat(line).hasSize(64));
    assertThat(body.get(body.size() - 1).length()).isBetween(1, 64);

    CertificateAuthority read = CertificateAuthority.fromPem(ca.certificatePem(),
        ca.privateKeyPem());
    assertThat(read.certificate()).isEqualTo(ca.certificate());
    assertThat(read.certificatePem()).isEqualTo(ca.certificatePem());
    assertThat(read.privateKeyPem()).isEqualTo(ca.privateKeyPem());
    assertThat(read.notAfter()).isEqualTo(ca.notAfter());
    assertThat(read.issueServer("orders", List.of("localhost"), List.of(), now, NINETY_DAYS)
        .issuedBy(ca)).isTrue();
  }

  @Test
  void fromPemReadsCrLfLineEndingsAndSurroundingText() {
    CertificateAuthority ca = CertificateAuthority.create("orders CA", now, TEN_YEARS);
    String cert = "subject=CN = orders CA\r\n" + ca.certificatePem().replace("\n", "\r\n");

    assertThat(CertificateAuthority.fromPem(cert, ca.privateKeyPem()).certificate())
        .isEqualTo(ca.certificate());
  }

  @Test
  void fromPemRejectsUnreadableInput() {
    CertificateAuthority ca = CertificateAuthority.create("orders CA", now, TEN_YEARS);

    assertThatThrownBy(() -> CertificateAuthority.fromPem("garbage", ca.privateKeyPem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unreadable certificate")
        .hasMessageContaining("no -----BEGIN CERTIFICATE----- block");
    assertThatThrownBy(() -> CertificateAuthority.fromPem(ca.certificatePem(), "garbage"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unreadable private key");
    assertThatThrownBy(() -> CertificateAuthority.fromPem("", ca.privateKeyPem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> CertificateAuthority.fromPem(null, ca.privateKeyPem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unreadable certificate");
    assertThatThrownBy(() -> CertificateAuthority.fromPem(
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", ca.privateKeyPem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unreadable certificate");
    assertThatThrownBy(() -> CertificateAuthority.fromPem(ca.certificatePem(),
        "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unreadable private key");
    assertThatThrownBy(() -> CertificateAuthority.fromPem(ca.privateKeyPem(), ca.certificatePem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected a CERTIFICATE PEM block, found PRIVATE KEY");
    assertThatThrownBy(() -> CertificateAuthority.fromPem(ca.certificatePem(),
        ca.privateKeyPem().replace("PRIVATE KEY", "EC PRIVATE KEY")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("found EC PRIVATE KEY")
        .hasMessageContaining("openssl pkcs8 -topk8");
  }

  @Test
  void fromPemRejectsTheKeyOfAnotherCertificate() {
    CertificateAuthority ca = CertificateAuthority.create("orders CA", now, TEN_YEARS);
    CertificateAuthority other = CertificateAuthority.create("orders CA", now, TEN_YEARS);

    assertThatThrownBy(() -> CertificateAuthority.fromPem(ca.certificatePem(),
        other.privateKeyPem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("private key does not match")
        .hasMessageContaining("CN=orders CA");
  }

  @Test
  void fromPemRejectsAServerCertificate() {
    CertificateAuthority ca = CertificateAuthority.create("orders CA", now, TEN_YEARS);
    ServerCertificate server = ca.issueServer("orders", List.of("localhost"), List.of(), now,
        NINETY_DAYS);

    assertThatThrownBy(() -> CertificateAuthority.fromPem(server.certificatePem(),
        server.privateKeyPem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CN=orders")
        .hasMessageContaining("not a CA");
  }

  @Test
  void issueServerMakesAServerAuthCertificateNamingEveryHost() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("orders CA", now, TEN_YEARS);
    ServerCertificate server = ca.issueServer("orders",
        List.of("orders-rw", "orders-rw.shop.svc", "*.orders-pods.shop.svc", "localhost"),
        List.of("127.0.0.1", "::1"), now, NINETY_DAYS);
    X509Certificate cert = server.certificate();

    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=orders");
    assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(cert.getSubjectAlternativeNames()).containsExactly(
        List.of(2, "orders-rw"), List.of(2, "orders-rw.shop.svc"),
        List.of(2, "*.orders-pods.shop.svc"), List.of(2, "localhost"),
        List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
    assertThat(cert.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
    assertThat(cert.getKeyUsage()).startsWith(true, false, false, false, true, false, false);
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getCriticalExtensionOIDs()).containsExactlyInAnyOrder(BASIC_CONSTRAINTS,
        KEY_USAGE);
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(cert.getSerialNumber()).isPositive();
    assertThat(cert.getSerialNumber().bitLength()).isLessThanOrEqualTo(128);
    assertThat(cert.getPublicKey()).isNotEqualTo(ca.certificate().getPublicKey());
    assertThatCode(() -> cert.verify(ca.certificate().getPublicKey())).doesNotThrowAnyException();

    byte[] authorityKeyId = AuthorityKeyIdentifier.getInstance(JcaX509ExtensionUtils
        .parseExtensionValue(cert.getExtensionValue(Extension.authorityKeyIdentifier.getId())))
        .getKeyIdentifierOctets();
    byte[] caKeyId = SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(
        ca.certificate().getExtensionValue(Extension.subjectKeyIdentifier.getId())))
        .getKeyIdentifier();
    assertThat(authorityKeyId).isEqualTo(caKeyId);
    assertThat(cert.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();

    Instant second = now.truncatedTo(ChronoUnit.SECONDS);
    assertThat(server.notBefore()).isEqualTo(second.minus(Duration.ofMinutes(5)));
    assertThat(server.notAfter()).isEqualTo(second.plus(NINETY_DAYS));
  }

  @Test
  void issuedCertificatesNeverOutliveTheCa() {
    CertificateAuthority ca = CertificateAuthority.create("orders CA", now, Duration.ofDays(10));
    ServerCertificate server = ca.issueServer("orders", List.of("localhost"), List.of(), now,
        NINETY_DAYS);

    assertThat(server.notAfter()).isEqualTo(ca.notAfter());
  }

  @Test
  void anExpiredCaIssuesNothing() {
    Instant then = now.minus(Duration.ofDays(2));
    CertificateAuthority ca = CertificateAuthority.create("orders CA", then, Duration.ofDays(1));

    assertThatThrownBy(() -> ca.issueServer("orders", List.of("localhost"), List.of(), now,
        NINETY_DAYS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void badNamesAndDurationsAreRejected() {
    CertificateAuthority ca = CertificateAuthority.create("orders CA", now, TEN_YEARS);

    assertThatThrownBy(() -> CertificateAuthority.create(" ", now, TEN_YEARS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("common name");
    assertThatThrownBy(() -> CertificateAuthority.create("x".repeat(65), now, TEN_YEARS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64");
    assertThatThrownBy(() -> CertificateAuthority.create("orders CA", now, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("validity");
    assertThatThrownBy(() -> ca.issueServer("orders", List.of(), List.of("db.example.com"), now,
        NINETY_DAYS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'db.example.com' is not an IPv4 or IPv6 address");
    assertThatThrownBy(() -> ca.issueServer("orders", List.of(), List.of("fe80::1%eth0"), now,
        NINETY_DAYS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an IPv4 or IPv6 address");
    assertThatThrownBy(() -> ca.issueServer("orders", List.of("bad name"), List.of(), now,
        NINETY_DAYS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'bad name' is not a DNS name");
    assertThatThrownBy(() -> ca.issueServer("orders", List.of(), List.of(), now, NINETY_DAYS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one DNS name or IP address");
    assertThatThrownBy(() -> ca.issueServer("orders", List.of("localhost"), List.of(), now,
        Duration.ofDays(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("validity");
  }

  @Test
  void theServerCertificateValidatesAgainstTheCaAsTrustAnchor() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("orders CA", now, TEN_YEARS);
    ServerCertificate server = ca.issueServer("orders", List.of("localhost"),
        List.of("127.0.0.1"), now, NINETY_DAYS);
    CertPathValidator validator = CertPathValidator.getInstance("PKIX");
    CertificateFactory factory = CertificateFactory.getInstance("X.509");

    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
    parameters.setRevocationEnabled(false);
    assertThatCode(() -> validator.validate(
        factory.generateCertPath(List.of(server.certificate())), parameters))
        .doesNotThrowAnyException();

    CertificateAuthority other = CertificateAuthority.create("orders CA", now, TEN_YEARS);
    PKIXParameters otherAnchor =
        new PKIXParameters(Set.of(new TrustAnchor(other.certificate(), null)));
    otherAnchor.setRevocationEnabled(false);
    assertThatThrownBy(() -> validator.validate(
        factory.generateCertPath(List.of(server.certificate())), otherAnchor))
        .isInstanceOf(CertPathValidatorException.class);
  }

  @Test
  void opensslReadsTheKeysAndVerifiesTheChain(@TempDir Path dir) throws Exception {
    Path openssl = onPath("openssl");
    Assumptions.assumeTrue(openssl != null, "no openssl on PATH");
    CertificateAuthority ca = CertificateAuthority.create("orders CA", now, TEN_YEARS);
    ServerCertificate server = ca.issueServer("orders", List.of("localhost"),
        List.of("127.0.0.1", "::1"), now, NINETY_DAYS);
    Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    Files.writeString(dir.resolve("ca.key"), ca.privateKeyPem());
    Files.writeString(dir.resolve("server.pem"), server.certificatePem());
    Files.writeString(dir.resolve("key.pem"), server.privateKeyPem());

    assertThat(run(dir, openssl, "pkey", "-in", "key.pem", "-noout").exit).isZero();
    assertThat(run(dir, openssl, "pkey", "-in", "ca.key", "-noout").exit).isZero();
    Result verify = run(dir, openssl, "verify", "-CAfile", "ca.pem", "server.pem");
    assertThat(verify.exit).isZero();
    assertThat(verify.output).contains("server.pem: OK");
    Result strict = run(dir, openssl, "verify", "-x509_strict", "-purpose", "sslserver",
        "-verify_hostname", "localhost", "-CAfile", "ca.pem", "server.pem");
    assertThat(strict.output).contains("server.pem: OK");
    assertThat(run(dir, openssl, "pkey", "-in", "key.pem", "-pubout").output)
        .isEqualTo(run(dir, openssl, "x509", "-in", "server.pem", "-noout", "-pubkey").output);
  }

  private static List<String> bodyLines(String pem) {
    List<String> lines = new ArrayList<>(List.of(pem.split("\n")));
    return lines.subList(1, lines.size() - 1);
  }

  private static Path onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private record Result(int exit, String output) {
  }

  private static Result run(Path dir, Path program, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(program.toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("openssl finished").isTrue();
    return new Result(process.exitValue(), output);
  }
}
