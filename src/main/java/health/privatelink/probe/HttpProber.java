package health.privatelink.probe;

import health.privatelink.Addresses;
import health.privatelink.Deadline;
import health.privatelink.Failure;
import health.privatelink.Reason;
import health.privatelink.config.Target;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Connects to one resolved address (never resolving again), verifies TLS against the JVM's trust
 * store with SNI and host-name verification, sends one HTTP/1.1 GET and judges the answer.
 *
 * <p>Raw sockets rather than an HTTP client: the JDK client resolves names itself and cannot be
 * pinned to an address, and the phases (TCP, TLS, first byte) must be timed one by one.
 */
public final class HttpProber {
  private static final String USER_AGENT = "privatelink-health/1";

  private final SSLSocketFactory tls;
  private final Clock clock;

  /**
   * @param tls makes the TLS sockets; in production the JVM default, which honours {@code
   *     -Djavax.net.ssl.trustStore}
   * @param clock tells the certificate's days remaining
   */
  public HttpProber(SSLSocketFactory tls, Clock clock) {
    this.tls = tls;
    this.clock = clock;
  }

  /** Probes {@code target} at {@code address}; every failure is a value, never an exception. */
  public ProbeResult probe(Target target, InetAddress address, Deadline deadline, Trace trace) {
    Endpoint endpoint = new Endpoint(target.host(), address, target.port());
    OptionalInt status = OptionalInt.empty();
    OptionalLong certificateDays = OptionalLong.empty();
    Socket socket = new Socket();
    SSLSession session = null;
    try (socket) {
      trace.connectStarted(socket, address);
      socket.setTcpNoDelay(true);
      int budget = deadline.remainingMillis();
      if (budget <= 0) {
        return failed(Timeouts.of(target, trace), status, certificateDays);
      }
      socket.connect(new InetSocketAddress(address, target.port()), budget);
      trace.connected(target.https());
      Socket channel = socket;
      if (target.https()) {
        SSLSocket ssl = handshake(socket, target, deadline);
        trace.handshakeDone();
        session = ssl.getSession();
        certificateDays = daysRemaining(ssl);
        channel = ssl;
      }
      writeRequest(channel.getOutputStream(), target);
      trace.requestSent();
      HttpResponseReader reader =
          new HttpResponseReader(new DeadlineInputStream(channel, deadline, trace));
      HttpResponseReader.Head head = reader.readHead();
      status = OptionalInt.of(head.status());
      if (!target.expectedStatus().contains(head.status())) {
        return failed(statusFailure(head, target), status, certificateDays);
      }
      if (target.bodyContains().isPresent()) {
        String needle = target.bodyContains().get();
        HttpResponseReader.BodyScan scan = reader.scanBody(head, needle);
        if (!scan.found()) {
          return failed(bodyFailure(scan, needle), status, certificateDays);
        }
      }
      trace.done();
      return new ProbeResult(Optional.empty(), status, certificateDays);
    } catch (IOException | RuntimeException e) {
      // RuntimeException too: the JDK's TLS stack reports some peer errors unchecked.
      return failed(
          Failures.classify(e, target, trace, endpoint, deadline), status, certificateDays);
    } finally {
      // Every run verifies the certificate the server presents now: without this, the JDK would
      // resume this session (TLS 1.3 PSK) next run, skip the certificate checks and report the
      // days left on the certificate it saw the first time.
      if (session != null) {
        session.invalidate();
      }
    }
  }

  private SSLSocket handshake(Socket socket, Target target, Deadline deadline) throws IOException {
    SSLSocket ssl = (SSLSocket) tls.createSocket(socket, target.host(), target.port(), true);
    SSLParameters parameters = ssl.getSSLParameters();
    // Host-name verification is always on: it cannot be turned off by configuration.
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    if (!target.hostIsAddress()) {
      parameters.setServerNames(List.of(new SNIHostName(target.host())));
    }
    parameters.setApplicationProtocols(new String[] {"http/1.1"});
    ssl.setSSLParameters(parameters);
    int budget = deadline.remainingMillis();
    if (budget <= 0) {
      throw new java.net.SocketTimeoutException("deadline reached before the TLS handshake");
    }
    ssl.setSoTimeout(budget);
    ssl.startHandshake();
    return ssl;
  }

  private OptionalLong daysRemaining(SSLSocket ssl) throws IOException {
    Certificate[] chain = ssl.getSession().getPeerCertificates();
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return OptionalLong.empty();
    }
    Duration left = Duration.between(clock.instant(), leaf.getNotAfter().toInstant());
    return OptionalLong.of(left.toDays());
  }

  private static void writeRequest(OutputStream out, Target target) throws IOException {
    String host = target.url().getHost();
    int port = target.url().getPort();
    String hostHeader = port < 0 ? host : host + ":" + port;
    String request =
        "GET "
            + target.requestTarget()
            + " HTTP/1.1\r\n"
            + "Host: "
            + hostHeader
            + "\r\n"
            + "User-Agent: "
            + USER_AGENT
            + "\r\n"
            + "Accept: */*\r\n"
            + "Connection: close\r\n"
            + "\r\n";
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static Failure statusFailure(HttpResponseReader.Head head, Target target) {
    String expected = "expected " + Failures.join(target.expectedStatus());
    String answer =
        "HTTP " + head.status() + (head.reasonPhrase().isEmpty() ? "" : " " + head.reasonPhrase());
    String location = head.header("location");
    if (head.status() >= 300 && head.status() < 400 && location != null) {
      return new Failure(
          Reason.HTTP_STATUS,
          answer
              + " redirecting to "
              + Excerpt.of(location, 200)
              + " (redirects are not followed); "
              + expected);
    }
    return new Failure(Reason.HTTP_STATUS, answer + "; " + expected);
  }

  private static Failure bodyFailure(HttpResponseReader.BodyScan scan, String needle) {
    return new Failure(
        Reason.BODY_MISMATCH,
        "the body ("
            + scan.bytesRead()
            + " bytes read"
            + (scan.bytesRead() >= HttpResponseReader.MAX_BODY ? ", the most that is read" : "")
            + ") does not contain "
            + Excerpt.of(needle, 80)
            + "; it starts "
            + Excerpt.of(scan.text().strip(), 100));
  }

  private static ProbeResult failed(
      Failure failure, OptionalInt status, OptionalLong certificateDays) {
    return new ProbeResult(Optional.of(failure), status, certificateDays);
  }

  /** Where the probe connects, for details. */
  record Endpoint(String host, InetAddress address, int port) {
    @Override
    public String toString() {
      return Addresses.hostPort(address, port);
    }
  }
}
