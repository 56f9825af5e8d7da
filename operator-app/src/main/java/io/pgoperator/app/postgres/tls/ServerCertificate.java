package io.pgoperator.app.postgres.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.util.IPAddress;

/**
 * A server certificate issued by a cluster's {@link CertificateAuthority}, and its private key.
 * Immutable.
 */
public final class ServerCertificate {

  /** Dotted decimal, no leading zeros (which some read as octal). */
  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
          + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
  private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+");

  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final String certificatePem;
  private final String privateKeyPem;
  /** DNS names of the subject alternative name, in lower case. */
  private final Set<String> dnsNames;
  private final Set<InetAddress> ipAddresses;

  ServerCertificate(X509Certificate certificate, PrivateKey privateKey) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.certificatePem = CertificateAuthority.certificatePem(certificate);
    this.privateKeyPem = Pem.encode(Pem.PRIVATE_KEY, privateKey.getEncoded());
    Set<String> dns = new HashSet<>();
    Set<InetAddress> ips = new HashSet<>();
    for (GeneralName name : alternativeNames(certificate)) {
      if (name.getTagNo() == GeneralName.dNSName) {
        dns.add(((ASN1String) name.getName()).getString().toLowerCase(Locale.ROOT));
      } else if (name.getTagNo() == GeneralName.iPAddress) {
        byte[] address = ASN1OctetString.getInstance(name.getName()).getOctets();
        try {
          ips.add(InetAddress.getByAddress(address));
        } catch (UnknownHostException notFourOrSixteenBytes) {
          // an address range (name constraints syntax) names no host: skip it
        }
      }
    }
    this.dnsNames = Collections.unmodifiableSet(dns);
    this.ipAddresses = Collections.unmodifiableSet(ips);
  }

  /**
   * Reads a server certificate back from its PEM certificate and PKCS#8 private key, as written
   * by {@link #certificatePem()} and {@link #privateKeyPem()}. Only the first certificate of a
   * chain is read.
   *
   * @throws IllegalArgumentException saying what is wrong when either is unreadable or the key
   *     does not match the certificate's public key
   */
  public static ServerCertificate fromPem(String certificatePem, String privateKeyPem) {
    X509Certificate certificate = Pem.certificate(certificatePem);
    PrivateKey privateKey = Pem.privateKey(privateKeyPem);
    CertificateAuthority.requireKeyPair(certificate, privateKey);
    return new ServerCertificate(certificate, privateKey);
  }

  /** The certificate as PEM: {@code -----BEGIN CERTIFICATE-----}, 64-character lines, newline. */
  public String certificatePem() {
    return certificatePem;
  }

  /** The private key as unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
  public String privateKeyPem() {
    return privateKeyPem;
  }

  /** The certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The start of the certificate's validity. */
  public Instant notBefore() {
    return certificate.getNotBefore().toInstant();
  }

  /** The end of the certificate's validity (the certificate is still valid at this instant). */
  public Instant notAfter() {
    return certificate.getNotAfter().toInstant();
  }

  /**
   * True when the subject alternative name holds every given DNS name (exactly, but ignoring
   * case; a wildcard name matches only the same wildcard name) and every given IP address
   * (compared as addresses, so {@code ::1} equals {@code 0:0:0:0:0:0:0:1}).
   *
   * @throws IllegalArgumentException when an IP address is no IPv4 or IPv6 literal
   */
  public boolean covers(List<String> dnsNames, List<String> ipAddresses) {
    for (String ipAddress : ipAddresses) {
      if (!this.ipAddresses.contains(ipAddress(ipAddress))) {
        return false;
      }
    }
    for (String dnsName : dnsNames) {
      if (!this.dnsNames.contains(dnsName.toLowerCase(Locale.ROOT))) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when this certificate's issuer is the CA's subject and its signature verifies with the
   * CA's public key.
   */
  public boolean issuedBy(CertificateAuthority ca) {
    X509Certificate caCertificate = ca.certificate();
    if (!certificate.getIssuerX500Principal().equals(caCertificate.getSubjectX500Principal())) {
      return false;
    }
    try {
      certificate.verify(caCertificate.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * True when at {@code now} less than {@code margin} of the validity remains, the certificate
   * has expired, or it is not valid yet: time to issue a new one.
   *
   * @throws IllegalArgumentException when the margin is negative
   */
  public boolean expiresWithin(Instant now, Duration margin) {
    if (margin.isNegative()) {
      throw new IllegalArgumentException("the margin " + margin + " is negative");
    }
    return now.isBefore(notBefore()) || now.plus(margin).isAfter(notAfter());
  }

  @Override
  public String toString() {
    return "ServerCertificate[" + CertificateAuthority.subject(certificate) + ", issuer="
        + certificate.getIssuerX500Principal().getName() + ", notAfter=" + notAfter() + "]";
  }

  /** The private key, for tests that build a key store. */
  PrivateKey privateKey() {
    return privateKey;
  }

  /**
   * The address of an IPv4 (dotted decimal) or IPv6 literal, never looked up in DNS.
   *
   * @throws IllegalArgumentException when it is no such literal, or an IPv6 one with a zone or
   *     in brackets
   */
  static InetAddress ipAddress(String literal) {
    try {
      if (literal != null && IPV4.matcher(literal).matches()) {
        String[] parts = literal.split("\\.");
        byte[] address = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
          address[i] = (byte) Integer.parseInt(parts[i]);
        }
        return InetAddress.getByAddress(address);
      }
      if (literal != null && IPV6_CHARACTERS.matcher(literal).matches()
          && IPAddress.isValidIPv6(literal)) {
        // A valid IPv6 literal: InetAddress parses it and looks nothing up.
        return InetAddress.getByName(literal);
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + literal + "' is not an IPv4 or IPv6 address", e);
    }
    throw new IllegalArgumentException("'" + literal + "' is not an IPv4 or IPv6 address");
  }

  /**
   * @throws IllegalArgumentException when the name is blank or holds anything but printable
   *     ASCII (a DNS name is an IA5String; internationalised names go in their xn-- form)
   */
  static String checkDnsName(String dnsName) {
    if (dnsName == null || dnsName.isEmpty()) {
      throw new IllegalArgumentException("a DNS name is blank");
    }
    for (int i = 0; i < dnsName.length(); i++) {
      char c = dnsName.charAt(i);
      if (c <= ' ' || c > '~') {
        throw new IllegalArgumentException("'" + dnsName + "' is not a DNS name");
      }
    }
    return dnsName;
  }

  private static GeneralName[] alternativeNames(X509Certificate certificate) {
    byte[] extension = certificate.getExtensionValue(Extension.subjectAlternativeName.getId());
    if (extension == null) {
      return new GeneralName[0];
    }
    try {
      return GeneralNames.getInstance(JcaX509ExtensionUtils.parseExtensionValue(extension))
          .getNames();
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("certificate " + CertificateAuthority.subject(certificate)
          + " has a malformed subject alternative name", e);
    }
  }
}
