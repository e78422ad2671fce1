package health.privatelink.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A loopback TCP server that accepts connections and never answers: a hung endpoint. */
public final class SilentServer implements AutoCloseable {
  private final ServerSocket socket;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();

  public SilentServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::acceptForever);
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort());
  }

  /** How many connections were accepted: proof the client did reach it. */
  public int connections() {
    return accepted.size();
  }

  private void acceptForever() {
    while (!socket.isClosed()) {
      try {
        accepted.add(socket.accept());
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** A loopback URI where nothing listens: connections are refused. */
  public static URI unreachable() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + probe.getLocalPort());
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket s : accepted) {
      s.close();
    }
  }
}
