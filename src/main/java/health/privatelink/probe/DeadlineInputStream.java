package health.privatelink.probe;

import health.privatelink.Deadline;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * Reads a socket so that no read outlasts the deadline: each read may wait only for what is left,
 * so a peer that trickles one byte at a time cannot stretch the check.
 */
final class DeadlineInputStream extends InputStream {
  private final Socket socket;
  private final InputStream in;
  private final Deadline deadline;
  private final Trace trace;

  DeadlineInputStream(Socket socket, Deadline deadline, Trace trace) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.deadline = deadline;
    this.trace = trace;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int left = deadline.remainingMillis();
    if (left <= 0) {
      throw new SocketTimeoutException("deadline reached");
    }
    socket.setSoTimeout(left);
    int n = in.read(buffer, offset, length);
    if (n > 0) {
      trace.firstByte();
    }
    return n;
  }
}
