package health.privatelink.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * An HTTP or HTTPS server on 127.0.0.1 whose every connection follows one {@link Behavior}: a
 * healthy answer, a 503, a redirect, an endless body, silence, a trickle, or raw bytes.
 */
public final class HttpTestServer implements AutoCloseable {
  /** What the server does with one accepted connection. */
  @FunctionalInterface
  public interface Behavior {
    void serve(Connection connection) throws IOException, InterruptedException;
  }

  /** One accepted connection, with helpers to read the request and answer it. */
  public record Connection(Socket socket, InputStream in, OutputStream out, HttpTestServer server) {
    /** Reads the request head (up to the blank line) and records it. */
    public String readRequest() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      byte[] end = {'\r', '\n', '\r', '\n'};
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        head.write(b);
        matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      String text = head.toString(StandardCharsets.ISO_8859_1);
      server.requests.add(text);
      return text;
    }

    public void write(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  /**
   * Deep enough that hundreds of simultaneous connects are not dropped: a dropped SYN costs a
   * one-second retransmit, which would be measured as the checker's.
   */
  private static final int BACKLOG = 4096;

  private final ServerSocket listener;
  private final Behavior behavior;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  private HttpTestServer(ServerSocket listener, Behavior behavior) {
    this.listener = listener;
    this.behavior = behavior;
    this.acceptor = Thread.ofPlatform().daemon().name("http-test-server").start(this::acceptLoop);
  }

  /** A plain HTTP server. */
  public static HttpTestServer http(Behavior behavior) throws IOException {
    ServerSocket listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
    return new HttpTestServer(listener, behavior);
  }

  /** An HTTPS server presenting the identity of {@code tls}. */
  public static HttpTestServer https(SSLContext tls, Behavior behavior) throws IOException {
    return https(tls, null, behavior);
  }

  /** An HTTPS server limited to the given protocol versions (null: the JDK's defaults). */
  public static HttpTestServer https(SSLContext tls, String[] protocols, Behavior behavior)
      throws IOException {
    SSLServerSocket listener = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
    if (protocols != null) {
      listener.setEnabledProtocols(protocols);
    }
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
    return new HttpTestServer(listener, behavior);
  }

  /**
   * An HTTPS server listening on {@code at}: any address of 127.0.0.0/8 (all loopback on Linux), so
   * that several servers share one port, as the addresses of one endpoint do.
   */
  public static HttpTestServer httpsAt(SSLContext tls, InetSocketAddress at, Behavior behavior)
      throws IOException {
    ServerSocket listener = tls.getServerSocketFactory().createServerSocket();
    try {
      listener.bind(at, BACKLOG);
    } catch (IOException e) {
      listener.close();
      throw e;
    }
    return new HttpTestServer(listener, behavior);
  }

  public InetAddress address() {
    return listener.getInetAddress();
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** How many connections were accepted. */
  public int connections() {
    return connections.get();
  }

  /** The request heads read so far. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket socket;
      try {
        socket = listener.accept();
        // As production HTTPS servers do: without it, Nagle's algorithm holds the server's second
        // handshake flight for the client's delayed ACK, and every handshake gains 40 ms.
        socket.setTcpNoDelay(true);
      } catch (IOException e) {
        return;
      }
      connections.incrementAndGet();
      open.add(socket);
      Thread.ofVirtual()
          .start(() -> {
            try (socket) {
              behavior.serve(
                  new Connection(socket, socket.getInputStream(), socket.getOutputStream(), this));
            } catch (IOException | InterruptedException e) {
              // The client went away or the test ended: nothing to do.
            } finally {
              open.remove(socket);
            }
          });
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : open) {
      s.close();
    }
    try {
      acceptor.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- canned behaviours ----

  /** Answers {@code status} with {@code body} and a Content-Length. */
  public static Behavior respond(int status, String body) {
    return c -> {
      c.readRequest();
      answer(c, status, body);
    };
  }

  private static void answer(Connection c, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    c.write(
        "HTTP/1.1 "
            + status
            + " "
            + reasonPhrase(status)
            + "\r\nContent-Type: text/plain\r\nContent-Length: "
            + bytes.length
            + "\r\nConnection: close\r\n\r\n");
    c.out().write(bytes);
    c.out().flush();
  }

  /** Answers exactly the given bytes after reading the request. */
  public static Behavior raw(String response) {
    return c -> {
      c.readRequest();
      c.write(response);
    };
  }

  /** Answers a redirect to {@code location}. */
  public static Behavior redirect(int status, String location) {
    return raw(
        "HTTP/1.1 "
            + status
            + " "
            + reasonPhrase(status)
            + "\r\nLocation: "
            + location
            + "\r\nContent-Length: 0\r\n\r\n");
  }

  /** Answers 200 and then a body that never ends. */
  public static Behavior endlessBody() {
    return c -> {
      c.readRequest();
      c.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n");
      byte[] chunk =
          "all work and no play makes jack a dull boy\n"
              .repeat(100)
              .getBytes(StandardCharsets.UTF_8);
      while (true) {
        c.out().write(chunk);
      }
    };
  }

  /** Accepts the connection and never says anything, not even a TLS handshake. */
  public static Behavior silent() {
    return c -> Thread.sleep(Long.MAX_VALUE);
  }

  /** Reads the request and never answers. */
  public static Behavior neverAnswer() {
    return c -> {
      c.readRequest();
      Thread.sleep(Long.MAX_VALUE);
    };
  }

  /** Sends a healthy response one byte every {@code delayMillis}. */
  public static Behavior trickle(long delayMillis) {
    return c -> {
      c.readRequest();
      for (byte b :
          "HTTP/1.1 200 OK\r\nX-Slow: yes\r\nContent-Length: 2\r\n\r\nok"
              .getBytes(StandardCharsets.UTF_8)) {
        c.out().write(b);
        c.out().flush();
        Thread.sleep(delayMillis);
      }
    };
  }

  /**
   * Reads the request, waits {@code delayMillis}, then answers {@code status}: a target whose own
   * latency is known, after the connect and the TLS handshake.
   */
  public static Behavior delayed(long delayMillis, int status, String body) {
    return c -> {
      c.readRequest();
      Thread.sleep(delayMillis);
      answer(c, status, body);
    };
  }

  private static String reasonPhrase(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 204 -> "No Content";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 404 -> "Not Found";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }
}
