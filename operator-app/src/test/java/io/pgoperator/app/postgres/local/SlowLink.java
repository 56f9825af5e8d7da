package io.pgoperator.app.postgres.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP link to one local port that carries at most {@code bytesPerSecond} each way, so a copy
 * through it takes long enough to be interrupted at a chosen point, as a slow network would.
 */
public final class SlowLink implements AutoCloseable {

  private static final int CHUNK = 16 * 1024;

  private final ServerSocket server;
  private final int target;
  private final long bytesPerSecond;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  public SlowLink(int target, long bytesPerSecond) {
    this.target = target;
    this.bytesPerSecond = bytesPerSecond;
    try {
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen", e);
    }
    Thread accept = new Thread(this::accept, "slow-link-accept");
    accept.setDaemon(true);
    accept.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[CHUNK];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
          Thread.sleep(n * 1000L / bytesPerSecond);
        }
      } catch (IOException | InterruptedException e) {
        // one side went away: the other follows
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "slow-link-pump");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() {
    closeQuietly(server);
    sockets.forEach(SlowLink::closeQuietly);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }
}
