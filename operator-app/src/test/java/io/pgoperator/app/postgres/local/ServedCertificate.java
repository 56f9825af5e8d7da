package io.pgoperator.app.postgres.local;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate a PostgreSQL server presents: PostgreSQL's SSLRequest, then a TLS handshake
 * that accepts any certificate (this looks at it, it trusts nothing).
 */
final class ServedCertificate {

  /** The SSLRequest code of the frontend/backend protocol. */
  private static final int SSL_REQUEST = 80877103;

  private ServedCertificate() {
  }

  static X509Certificate of(int port) {
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      plain.setSoTimeout(10_000);
      DataOutputStream out = new DataOutputStream(plain.getOutputStream());
      out.writeInt(8);
      out.writeInt(SSL_REQUEST);
      out.flush();
      int answer = new DataInputStream(plain.getInputStream()).read();
      if (answer != 'S') {
        throw new AssertionError("the server declined TLS (answered " + answer + ")");
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new LookOnly()}, null);
      try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", port, false)) {
        tls.startHandshake();
        return (X509Certificate) tls.getSession().getPeerCertificates()[0];
      }
    } catch (IOException e) {
      throw new UncheckedIOException("no TLS handshake with 127.0.0.1:" + port, e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class LookOnly implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
