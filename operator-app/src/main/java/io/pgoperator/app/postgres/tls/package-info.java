/**
 * The TLS material of one PostgreSQL cluster: a per-cluster certificate authority
 * ({@link io.pgoperator.app.postgres.tls.CertificateAuthority}) and the server certificate it
 * issues to the cluster's instances ({@link io.pgoperator.app.postgres.tls.ServerCertificate}),
 * both written and read back as PEM (certificate, and unencrypted PKCS#8 key as OpenSSL and
 * PostgreSQL read it).
 *
 * <p>Keys are ECDSA P-256, generated ({@code KeyPairGenerator "EC"} with
 * {@code ECGenParameterSpec("secp256r1")}) and used for signing ({@code SHA256withECDSA}) by the
 * JDK's own providers. BouncyCastle only builds and parses the X.509 and PEM structures: its
 * provider is never registered with {@link java.security.Security} nor named with
 * {@code setProvider("BC")}: the operator ships as a fat jar, which drops BouncyCastle's jar
 * signature, and JDKs that verify JCE providers refuse an unsigned one.
 *
 * <p>No I/O and no clock: the current instant is always passed in. The only randomness, keys and
 * serial numbers, comes from a {@link java.security.SecureRandom}.
 */
package io.pgoperator.app.postgres.tls;
