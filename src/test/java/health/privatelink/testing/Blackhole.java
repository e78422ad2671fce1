package health.privatelink.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port whose TCP handshakes go unanswered, as behind a security group that drops them: a
 * listener that never accepts, with its accept queue filled so the kernel drops further SYNs.
 */
public final class Blackhole implements AutoCloseable {
  private final ServerSocket listener;
  private final List<Socket> fillers = new ArrayList<>();

  public Blackhole() throws IOException {
    listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
    for (int i = 0; i < 16; i++) {
      Socket s = new Socket();
      try {
        s.connect(listener.getLocalSocketAddress(), 200);
        fillers.add(s);
      } catch (SocketTimeoutException full) {
        s.close();
        return; // the queue is full: from now on SYNs are dropped
      }
    }
    throw new IOException("the accept queue never filled; cannot make a black hole");
  }

  public int port() {
    return listener.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    for (Socket s : fillers) {
      s.close();
    }
    listener.close();
  }
}
