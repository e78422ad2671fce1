package health.privatelink.probe;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;

/**
 * The timeline of one check, written by the thread doing the work and read by the orchestrator,
 * which may also abort it at the deadline by closing its socket.
 */
public final class Trace {
  private static final long UNSET = Long.MIN_VALUE;

  private volatile Phase phase = Phase.DNS;
  private volatile long dnsStart = UNSET;
  private volatile long dnsEnd = UNSET;
  private volatile long connectStart = UNSET;
  private volatile long connectEnd = UNSET;
  private volatile long tlsEnd = UNSET;
  private volatile long requestSent = UNSET;
  private volatile long firstByte = UNSET;
  private volatile Socket socket;
  private volatile InetAddress address;
  private volatile boolean aborted;
  private final boolean namesAddress;

  /** The trace of a whole check, from its DNS query on. */
  public Trace() {
    this.namesAddress = true;
  }

  private Trace(InetAddress address, boolean namesAddress) {
    this.address = address;
    this.phase = Phase.CONNECT;
    this.namesAddress = namesAddress;
  }

  /**
   * The trace of the connection to one resolved address, starting at the connect.
   *
   * @param namesAddress whether failure details name the address; false when whoever reports them
   *     names it in front, as a target with several addresses does
   */
  public static Trace ofAddress(InetAddress address, boolean namesAddress) {
    return new Trace(address, namesAddress);
  }

  /** Whether the details of this check's failures name the address connected to. */
  public boolean namesAddress() {
    return namesAddress;
  }

  public Phase phase() {
    return phase;
  }

  public void dnsStarted() {
    phase = Phase.DNS;
    dnsStart = System.nanoTime();
  }

  public void dnsDone() {
    dnsEnd = System.nanoTime();
  }

  void connectStarted(Socket socket, InetAddress address) throws IOException {
    this.address = address;
    phase = Phase.CONNECT;
    this.socket = socket;
    if (aborted) {
      // The orchestrator gave up before the socket existed: close it now so connect fails fast.
      socket.close();
    }
    connectStart = System.nanoTime();
  }

  void connected(boolean tls) {
    connectEnd = System.nanoTime();
    phase = tls ? Phase.TLS_HANDSHAKE : Phase.HTTP;
  }

  void handshakeDone() {
    tlsEnd = System.nanoTime();
    phase = Phase.HTTP;
  }

  void requestSent() {
    requestSent = System.nanoTime();
  }

  void firstByte() {
    if (firstByte == UNSET) {
      firstByte = System.nanoTime();
    }
  }

  void done() {
    phase = Phase.DONE;
  }

  /** Stops the check where it is: a blocked connect or read fails at once. */
  public void abort() {
    aborted = true;
    Socket s = socket;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // Closing is best effort; the check is classified as timed out either way.
      }
    }
  }

  /** The address the check connects to, once it has started to. */
  public Optional<InetAddress> address() {
    return Optional.ofNullable(address);
  }

  public boolean aborted() {
    return aborted;
  }

  public Optional<Duration> dns() {
    return between(dnsStart, dnsEnd);
  }

  public Optional<Duration> connect() {
    return between(connectStart, connectEnd);
  }

  public Optional<Duration> tls() {
    return between(connectEnd, tlsEnd);
  }

  public Optional<Duration> timeToFirstByte() {
    return between(requestSent, firstByte);
  }

  private static Optional<Duration> between(long start, long end) {
    if (start == UNSET || end == UNSET) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(end - start));
  }
}
