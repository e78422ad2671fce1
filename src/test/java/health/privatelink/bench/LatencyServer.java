package health.privatelink.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * An HTTPS server on 127.0.0.1 that answers 200 a fixed time after reading each request: a target
 * whose own latency is known. The backlog is deep so that hundreds of simultaneous connects are not
 * dropped (a dropped SYN costs a one-second retransmit and would be measured as the checker's).
 */
final class LatencyServer implements AutoCloseable {
  private static final byte[] ANSWER =
      ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n"
              + "Connection: close\r\n\r\n{\"status\":\"ok\"}")
          .getBytes(StandardCharsets.ISO_8859_1);

  private final ServerSocket listener;
  private final long latencyMillis;
  private final AtomicInteger answered = new AtomicInteger();

  LatencyServer(SSLContext tls, long latencyMillis) throws IOException {
    this.latencyMillis = latencyMillis;
    this.listener = tls.getServerSocketFactory().createServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
    Thread.ofPlatform().daemon().name("latency-server").start(this::acceptLoop);
  }

  int port() {
    return listener.getLocalPort();
  }

  int answered() {
    return answered.get();
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
      Thread.ofVirtual().start(() -> serve(socket));
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = socket.getInputStream();
      readHead(in);
      Thread.sleep(latencyMillis);
      OutputStream out = socket.getOutputStream();
      out.write(ANSWER);
      out.flush();
      answered.incrementAndGet();
    } catch (IOException | InterruptedException e) {
      // The client gave up or the benchmark ended.
    }
  }

  private static void readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("request ended early");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
