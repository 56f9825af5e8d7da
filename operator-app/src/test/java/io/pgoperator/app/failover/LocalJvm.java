package io.pgoperator.app.failover;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What the benchmarks do to an operator JVM they started as a local process: send it a signal,
 * wait for it to exit, and ask its probe and metrics ports over loopback HTTP.
 */
public final class LocalJvm {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(1))
      .build();

  private LocalJvm() {
  }

  /** Sends SIG{@code name} (KILL, TERM, STOP, CONT); a process that is gone already is left alone. */
  public static void signal(Process process, String name, String who) {
    if (!process.isAlive()) {
      return;
    }
    try {
      Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(process.pid()))
          .redirectErrorStream(true).start();
      String output = new String(kill.getInputStream().readAllBytes());
      if ((!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) && process.isAlive()) {
        throw new IllegalStateException("kill -s " + name + " " + process.pid() + " (" + who + ") failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot send SIG" + name + " to " + who, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted sending SIG" + name + " to " + who, e);
    }
  }

  /** Whether the process exited within {@code deadline}. */
  public static boolean waitForExit(Process process, Duration deadline) {
    try {
      return process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The HTTP status of {@code path} on 127.0.0.1:{@code port}, or -1 when nothing answers. */
  public static int status(int port, String path) {
    try {
      return HTTP.send(request(port, path), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The body of {@code path} when it answers 200, else null. */
  public static String get(int port, String path) {
    try {
      HttpResponse<String> response = HTTP.send(request(port, path), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  private static HttpRequest request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(REQUEST_TIMEOUT).GET().build();
  }
}
