package io.pgoperator.app.postgres.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * kube-proxy for one ClusterIP Service on this host: a TCP listener on 127.0.0.1 (its "cluster
 * IP" and port) that sends each connection it accepts to the backend chosen at that moment. With
 * no backend the connection is reset at once, as kube-proxy's REJECT rule refuses it; a connection
 * keeps its backend for its life (conntrack), and ends when the backend's end does.
 */
final class ServiceProxy implements AutoCloseable {

  private final String name;
  private final Supplier<Optional<InetSocketAddress>> backend;
  private final Consumer<Throwable> failures;
  private final ServerSocket listener;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * @param backend where a connection accepted now goes; empty for nowhere
   * @param failures where the proxy's own failures go (not a backend's or a client's end)
   */
  ServiceProxy(String name, Supplier<Optional<InetSocketAddress>> backend, Consumer<Throwable> failures) {
    this.name = name;
    this.backend = backend;
    this.failures = failures;
    try {
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot listen for Service " + name, e);
    }
    Thread accept = new Thread(this::accept, "kube-proxy-" + name);
    accept.setDaemon(true);
    accept.start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (!closed) {
          failures.accept(new IllegalStateException("the proxy of Service " + name + " stopped accepting", e));
        }
        return;
      }
      try {
        forward(client);
      } catch (RuntimeException e) {
        reset(client);
        failures.accept(new IllegalStateException("the proxy of Service " + name + " failed a connection", e));
      }
    }
  }

  private void forward(Socket client) {
    Optional<InetSocketAddress> target = backend.get();
    if (target.isEmpty()) {
      reset(client);
      return;
    }
    Socket server = new Socket();
    try {
      server.connect(target.get(), 2000);
    } catch (IOException e) {
      // A Ready endpoint that does not listen (any more): the client sees what it would see.
      reset(client);
      close(server);
      return;
    }
    open.add(client);
    open.add(server);
    pipe(client, server, "up");
    pipe(server, client, "down");
  }

  private void pipe(Socket from, Socket to, String direction) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // One end went away (reset, or closed by the other direction): the connection is over.
      } finally {
        close(from);
        close(to);
      }
    }, "kube-proxy-" + name + "-" + direction);
    thread.setDaemon(true);
    thread.start();
  }

  /** Closes with a reset (SO_LINGER 0): the client learns at once that nobody is there. */
  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (SocketException e) {
      // closing anyway
    }
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to do
    }
  }

  private void close(Socket socket) {
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to do
    }
  }

  /** Stops listening and ends every connection. */
  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // nothing left to do
    }
    open.forEach(this::close);
  }
}
