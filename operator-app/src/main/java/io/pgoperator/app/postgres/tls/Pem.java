package io.pgoperator.app.postgres.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.util.encoders.DecoderException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * PEM text of X.509 certificates and unencrypted PKCS#8 EC private keys. Writing is canonical
 * (64-character lines, {@code \n}, trailing newline), so the same certificate or key always gives
 * the same text; reading takes the first PEM block and ignores text around it.
 */
final class Pem {

  static final String CERTIFICATE = "CERTIFICATE";
  static final String PRIVATE_KEY = "PRIVATE KEY";

  private static final Base64.Encoder BASE64 =
      Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

  private Pem() {
  }

  static String encode(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + BASE64.encodeToString(der) + "\n-----END " + type
        + "-----\n";
  }

  /** @throws IllegalArgumentException when the text is no PEM certificate the JDK can read */
  static X509Certificate certificate(String pem) {
    byte[] der = decode(pem, CERTIFICATE);
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new IllegalArgumentException("unreadable certificate: " + e.getMessage(), e);
    }
  }

  /** @throws IllegalArgumentException when the text is no unencrypted PKCS#8 EC private key */
  static PrivateKey privateKey(String pem) {
    byte[] der = decode(pem, PRIVATE_KEY);
    ASN1ObjectIdentifier algorithm;
    try {
      algorithm = PrivateKeyInfo.getInstance(der).getPrivateKeyAlgorithm().getAlgorithm();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException("unreadable private key: not a PKCS#8 structure", e);
    }
    if (!X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
      throw new IllegalArgumentException("unsupported private key: algorithm " + algorithm
          + " is not EC");
    }
    try {
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (InvalidKeySpecException e) {
      throw new IllegalArgumentException("unreadable private key: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no EC key factory", e);
    }
  }

  /** The content of the first PEM block of {@code text}, which must be of {@code type}. */
  static byte[] decode(String text, String type) {
    String what = type.toLowerCase(Locale.ROOT);
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("unreadable " + what + ": the PEM text is empty");
    }
    PemObject block;
    try (PemReader reader = new PemReader(new StringReader(text))) {
      block = reader.readPemObject();
    } catch (IOException | DecoderException e) {
      throw new IllegalArgumentException("unreadable " + what + ": malformed PEM ("
          + e.getMessage() + ")", e);
    }
    if (block == null) {
      throw new IllegalArgumentException("unreadable " + what + ": no -----BEGIN " + type
          + "----- block found");
    }
    if (!block.getType().equals(type)) {
      throw new IllegalArgumentException("unreadable " + what + ": expected a " + type
          + " PEM block, found " + block.getType() + hint(block.getType()));
    }
    if (block.getContent().length == 0) {
      throw new IllegalArgumentException("unreadable " + what + ": the PEM block is empty");
    }
    return block.getContent();
  }

  private static String hint(String found) {
    return switch (found) {
      case "EC PRIVATE KEY" -> " (SEC1; convert it with: openssl pkcs8 -topk8 -nocrypt)";
      case "ENCRYPTED PRIVATE KEY" -> " (only unencrypted keys are supported)";
      default -> "";
    };
  }
}
