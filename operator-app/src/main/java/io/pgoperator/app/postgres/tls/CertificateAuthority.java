package io.pgoperator.app.postgres.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A cluster's own certificate authority: a self-signed ECDSA P-256 certificate that may sign
 * end-entity certificates only (path length 0), and its private key. Immutable.
 */
public final class CertificateAuthority {

  static final String KEY_ALGORITHM = "EC";
  static final String CURVE = "secp256r1";
  static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  /** Certificates start this long before they are made, for clocks behind the operator's. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
  /** RFC 5280's upper bound on a common name; host names belong in the subject alternative name. */
  static final int MAX_COMMON_NAME = 64;
  static final SecureRandom RANDOM = new SecureRandom();

  private static final String ORGANIZATION = "pg-operator";
  /** Bit of {@link X509Certificate#getKeyUsage()}. */
  private static final int KEY_CERT_SIGN = 5;

  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final String certificatePem;
  private final String privateKeyPem;

  private CertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.certificatePem = certificatePem(certificate);
    this.privateKeyPem = Pem.encode(Pem.PRIVATE_KEY, privateKey.getEncoded());
  }

  /**
   * A new self-signed CA: subject {@code CN=commonName, O=pg-operator}; basicConstraints CA:true
   * with path length 0 and keyUsage keyCertSign and cRLSign, both critical; a subject key
   * identifier; valid from {@code now} less five minutes (clock skew) to {@code now + validity};
   * a random positive 128-bit serial number.
   *
   * @throws IllegalArgumentException when the common name is blank or longer than 64 characters,
   *     or the validity is not positive
   */
  public static CertificateAuthority create(String commonName, Instant now, Duration validity) {
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, ORGANIZATION)
        .addRDN(BCStyle.CN, checkCommonName(commonName))
        .build();
    Instant start = now.truncatedTo(ChronoUnit.SECONDS);
    Instant end = start.plus(checkValidity(validity));
    KeyPair keys = generateKeyPair();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serialNumber(),
        Date.from(start.minus(CLOCK_SKEW)), Date.from(end), subject, keys.getPublic());
    try {
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false,
              extensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
    } catch (IOException e) {
      throw new IllegalStateException("could not encode the CA certificate's extensions", e);
    }
    return new CertificateAuthority(sign(builder, keys.getPrivate()), keys.getPrivate());
  }

  /**
   * Reads a CA back from its PEM certificate and PKCS#8 private key, as written by
   * {@link #certificatePem()} and {@link #privateKeyPem()}. An expired CA is read all the same;
   * {@link #notAfter()} tells.
   *
   * @throws IllegalArgumentException saying what is wrong when either is unreadable, when the
   *     certificate is not a CA, or when the key does not match the certificate's public key
   */
  public static CertificateAuthority fromPem(String certificatePem, String privateKeyPem) {
    X509Certificate certificate = Pem.certificate(certificatePem);
    PrivateKey privateKey = Pem.privateKey(privateKeyPem);
    if (certificate.getBasicConstraints() < 0) {
      throw new IllegalArgumentException("certificate " + subject(certificate)
          + " is not a CA: its basicConstraints lack CA:true");
    }
    boolean[] keyUsage = certificate.getKeyUsage();
    if (keyUsage != null && !keyUsage[KEY_CERT_SIGN]) {
      throw new IllegalArgumentException("certificate " + subject(certificate)
          + " is not a CA: its keyUsage lacks keyCertSign");
    }
    requireKeyPair(certificate, privateKey);
    return new CertificateAuthority(certificate, privateKey);
  }

  /** The certificate as PEM: {@code -----BEGIN CERTIFICATE-----}, 64-character lines, newline. */
  public String certificatePem() {
    return certificatePem;
  }

  /** The private key as unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
  public String privateKeyPem() {
    return privateKeyPem;
  }

  /** The CA's self-signed certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The end of the CA's validity; no certificate it issues outlives it. */
  public Instant notAfter() {
    return certificate.getNotAfter().toInstant();
  }

  /**
   * A server certificate signed by this CA, for a fresh EC P-256 key: subject
   * {@code CN=commonName}; subject alternative name with every DNS name and IP address (v4 or v6
   * literal); extendedKeyUsage serverAuth; keyUsage digitalSignature and keyAgreement (critical);
   * basicConstraints CA:false (critical); authority key identifier of this CA and its own subject
   * key identifier; valid from {@code now} less five minutes to {@code now + validity} or this
   * CA's end, whichever comes first; a random positive 128-bit serial number.
   *
   * @throws IllegalArgumentException when the common name is blank or longer than 64 characters,
   *     a DNS name is blank or not printable ASCII, an IP address is no literal, there is neither
   *     DNS name nor IP address, the validity is not positive, or this CA has expired at
   *     {@code now}
   */
  public ServerCertificate issueServer(String commonName, List<String> dnsNames,
      List<String> ipAddresses, Instant now, Duration validity) {
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.CN, checkCommonName(commonName))
        .build();
    GeneralNames alternativeNames = alternativeNames(dnsNames, ipAddresses);
    Instant start = now.truncatedTo(ChronoUnit.SECONDS);
    Instant end = start.plus(checkValidity(validity));
    if (end.isAfter(notAfter())) {
      end = notAfter();
    }
    if (!end.isAfter(now)) {
      throw new IllegalArgumentException("CA " + subject(certificate) + " expired at " + notAfter()
          + "; it can issue no more certificates");
    }
    KeyPair keys = generateKeyPair();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serialNumber(),
        Date.from(start.minus(CLOCK_SKEW)), Date.from(end), subject, keys.getPublic());
    try {
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
          .addExtension(Extension.subjectAlternativeName, false, alternativeNames)
          .addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier())
          .addExtension(Extension.subjectKeyIdentifier, false,
              extensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
    } catch (IOException e) {
      throw new IllegalStateException("could not encode the server certificate's extensions", e);
    }
    return new ServerCertificate(sign(builder, privateKey), keys.getPrivate());
  }

  @Override
  public String toString() {
    return "CertificateAuthority[" + subject(certificate) + ", notAfter=" + notAfter() + "]";
  }

  /** The key identifier of this CA's subject key identifier, or one computed from its key. */
  private AuthorityKeyIdentifier authorityKeyIdentifier() {
    byte[] extension = certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (extension == null) {
      return extensionUtils().createAuthorityKeyIdentifier(certificate.getPublicKey());
    }
    try {
      return new AuthorityKeyIdentifier(SubjectKeyIdentifier
          .getInstance(JcaX509ExtensionUtils.parseExtensionValue(extension)).getKeyIdentifier());
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException("CA " + subject(certificate)
          + " has a malformed subject key identifier", e);
    }
  }

  private static GeneralNames alternativeNames(List<String> dnsNames, List<String> ipAddresses) {
    List<GeneralName> names = new ArrayList<>();
    for (String dnsName : new LinkedHashSet<>(dnsNames)) {
      names.add(new GeneralName(GeneralName.dNSName, ServerCertificate.checkDnsName(dnsName)));
    }
    LinkedHashSet<InetAddress> addresses = new LinkedHashSet<>();
    for (String ipAddress : ipAddresses) {
      addresses.add(ServerCertificate.ipAddress(ipAddress));
    }
    for (InetAddress address : addresses) {
      names.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(address.getAddress())));
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException(
          "a server certificate needs at least one DNS name or IP address");
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  private static String checkCommonName(String commonName) {
    if (commonName == null || commonName.isBlank()) {
      throw new IllegalArgumentException("the common name is blank");
    }
    if (commonName.length() > MAX_COMMON_NAME) {
      throw new IllegalArgumentException("the common name '" + commonName + "' is longer than "
          + MAX_COMMON_NAME + " characters");
    }
    return commonName;
  }

  private static Duration checkValidity(Duration validity) {
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("the validity " + validity + " is not positive");
    }
    return validity;
  }

  /** A fresh EC P-256 key pair from the JDK's providers. */
  static KeyPair generateKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(KEY_ALGORITHM);
      generator.initialize(new ECGenParameterSpec(CURVE), RANDOM);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException | InvalidAlgorithmParameterException e) {
      throw new IllegalStateException("this JVM cannot generate " + CURVE + " keys", e);
    }
  }

  /** Random, positive, 128 bits at most: well within RFC 5280's 20 octets. */
  private static BigInteger serialNumber() {
    BigInteger serial;
    do {
      serial = new BigInteger(128, RANDOM);
    } while (serial.signum() == 0);
    return serial;
  }

  private static JcaX509ExtensionUtils extensionUtils() {
    try {
      return new JcaX509ExtensionUtils();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-1 for key identifiers", e);
    }
  }

  /** Signs with the JDK's {@code SHA256withECDSA}: no provider is named. */
  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey) {
    try {
      byte[] der = builder
          .build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).setSecureRandom(RANDOM)
              .build(signingKey))
          .getEncoded();
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
    } catch (OperatorCreationException | IOException | GeneralSecurityException e) {
      throw new IllegalStateException("could not sign a certificate with " + SIGNATURE_ALGORITHM,
          e);
    }
  }

  /**
   * @throws IllegalArgumentException unless the certificate holds an EC public key and the
   *     private key signs what it verifies
   */
  static void requireKeyPair(X509Certificate certificate, PrivateKey privateKey) {
    PublicKey publicKey = certificate.getPublicKey();
    if (!(publicKey instanceof ECPublicKey)) {
      throw new IllegalArgumentException("certificate " + subject(certificate) + " holds a "
          + publicKey.getAlgorithm() + " key; only EC keys are supported");
    }
    byte[] challenge = new byte[32];
    RANDOM.nextBytes(challenge);
    boolean matches;
    try {
      Signature signer = Signature.getInstance(SIGNATURE_ALGORITHM);
      signer.initSign(privateKey, RANDOM);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(SIGNATURE_ALGORITHM);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      matches = verifier.verify(signature);
    } catch (InvalidKeyException | SignatureException e) {
      matches = false;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no " + SIGNATURE_ALGORITHM, e);
    }
    if (!matches) {
      throw new IllegalArgumentException("the private key does not match the public key of"
          + " certificate " + subject(certificate));
    }
  }

  static String certificatePem(X509Certificate certificate) {
    try {
      return Pem.encode(Pem.CERTIFICATE, certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("could not encode certificate " + subject(certificate), e);
    }
  }

  static String subject(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName();
  }
}
