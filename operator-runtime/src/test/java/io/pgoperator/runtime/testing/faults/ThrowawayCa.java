package io.pgoperator.runtime.testing.faults;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA made for one {@link FaultProxy} and forgotten with it, and the proxy's server certificate
 * for {@code 127.0.0.1} and {@code localhost}: clients verify the proxy as they would verify an
 * API server (no {@code trustCerts}), without operator-app's certificate code, which this module
 * cannot see. ECDSA P-256, valid for a day.
 *
 * @param caCertificatePem the CA certificate, to trust
 * @param serverCertificatePem the server certificate, signed by the CA
 * @param serverKeyPem the server's private key, PKCS#8
 */
record ThrowawayCa(String caCertificatePem, String serverCertificatePem, String serverKeyPem) {

  private static final Duration VALIDITY = Duration.ofDays(1);
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
  private static final SecureRandom RANDOM = new SecureRandom();

  static ThrowawayCa create() {
    try {
      Instant now = Instant.now();
      KeyPair caKeys = keyPair();
      X500Name caName = new X500Name("CN=fault-proxy-ca,O=pg-operator-tests");
      X509v3CertificateBuilder ca = builder(caName, caName, now, caKeys)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate caCertificate = sign(ca, caKeys.getPrivate());

      KeyPair serverKeys = keyPair();
      X509v3CertificateBuilder server = builder(caName, new X500Name("CN=127.0.0.1"), now, serverKeys)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
              new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
      X509Certificate serverCertificate = sign(server, caKeys.getPrivate());

      return new ThrowawayCa(pem("CERTIFICATE", caCertificate.getEncoded()),
          pem("CERTIFICATE", serverCertificate.getEncoded()), pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()));
    } catch (Exception e) {
      throw new IllegalStateException("could not make the fault proxy's certificates", e);
    }
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, Instant now, KeyPair keys) {
    return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE),
        Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws Exception {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
