package health.privatelink.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.Deadline;
import health.privatelink.Reason;
import health.privatelink.config.Cidr;
import health.privatelink.config.Target;
import health.privatelink.testing.Blackhole;
import health.privatelink.testing.HttpTestServer;
import health.privatelink.testing.TestPki;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The prober against real HTTP and HTTPS servers on loopback. */
class HttpProberTest {
  private static final String HOST = "api.private.example.test";
  private static final TestPki PKI = new TestPki();
  private static final SSLContext GOOD = TestPki.serverContext(PKI.server(30, HOST));
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private final HttpProber prober = new HttpProber(PKI.clientSocketFactory(), Clock.systemUTC());

  static Target target(
      String scheme, int port, String path, Optional<String> body, long timeoutMs) {
    return new Target(
        "t",
        URI.create(scheme + "://" + HOST + ":" + port + path),
        Set.of(200),
        Duration.ofMillis(timeoutMs),
        body,
        List.of(Cidr.parse("127.0.0.0/8")),
        true);
  }

  private ProbeResult probe(Target target, Trace trace) {
    return prober.probe(target, LOOPBACK, Deadline.after(target.timeout()), trace);
  }

  @Test
  void healthyHttpsRecordsEveryPhaseAndCertificateDays() throws Exception {
    List<String> sni = new CopyOnWriteArrayList<>();
    HttpTestServer.Behavior ok = HttpTestServer.respond(200, "{\"status\":\"ok\"}");
    try (var server =
        HttpTestServer.https(
            GOOD,
            c -> {
              var names =
                  ((ExtendedSSLSession) ((SSLSocket) c.socket()).getSession())
                      .getRequestedServerNames();
              names.forEach(n -> sni.add(((SNIHostName) n).getAsciiName()));
              ok.serve(c);
            })) {
      Trace trace = new Trace();
      ProbeResult result =
          probe(target("https", server.port(), "/api/health?x=1", Optional.empty(), 3000), trace);

      assertEquals(Optional.empty(), result.failure());
      assertEquals(200, result.status().getAsInt());
      long days = result.certificateDaysRemaining().getAsLong();
      assertTrue(days == 29 || days == 30, "days " + days);
      assertTrue(trace.connect().isPresent(), "connect timed");
      assertTrue(trace.tls().isPresent(), "tls timed");
      assertTrue(trace.timeToFirstByte().isPresent(), "ttfb timed");
      assertEquals(List.of(HOST), sni);
      String request = server.requests().getFirst();
      assertTrue(request.startsWith("GET /api/health?x=1 HTTP/1.1\r\n"), request);
      assertTrue(request.contains("\r\nHost: " + HOST + ":" + server.port() + "\r\n"), request);
    }
  }

  @Test
  void plainHttpHasNoTlsPhase() throws Exception {
    try (var server = HttpTestServer.http(HttpTestServer.respond(200, "ok"))) {
      Trace trace = new Trace();
      ProbeResult result = probe(target("http", server.port(), "/", Optional.empty(), 3000), trace);
      assertEquals(Optional.empty(), result.failure());
      assertTrue(trace.connect().isPresent());
      assertEquals(Optional.empty(), trace.tls());
      assertTrue(result.certificateDaysRemaining().isEmpty());
    }
  }

  record Case(
      String name,
      SSLContext tls,
      HttpTestServer.Behavior behavior,
      Optional<String> bodyContains,
      Reason reason,
      String detail) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> failures() {
    TestPki.Identity expired =
        PKI.server(
            Instant.now().minus(Duration.ofDays(30)),
            Instant.now().minus(Duration.ofDays(1)),
            HOST);
    return Stream.of(
            new Case(
                "503",
                GOOD,
                HttpTestServer.respond(503, "down"),
                Optional.empty(),
                Reason.HTTP_STATUS,
                "HTTP 503 Service Unavailable; expected 200"),
            new Case(
                "redirect",
                GOOD,
                HttpTestServer.redirect(302, "https://login.example.test/"),
                Optional.empty(),
                Reason.HTTP_STATUS,
                "HTTP 302 Found redirecting to \"https://login.example.test/\" (redirects are not followed)"),
            new Case(
                "wrong name",
                TestPki.serverContext(PKI.server(30, "other.example.test")),
                HttpTestServer.respond(200, "ok"),
                Optional.empty(),
                Reason.TLS_ERROR,
                "does not match " + HOST),
            new Case(
                "self-signed",
                TestPki.serverContext(TestPki.selfSigned(HOST)),
                HttpTestServer.respond(200, "ok"),
                Optional.empty(),
                Reason.TLS_ERROR,
                "not trusted"),
            new Case(
                "expired",
                TestPki.serverContext(expired),
                HttpTestServer.respond(200, "ok"),
                Optional.empty(),
                Reason.TLS_ERROR,
                "has expired"),
            new Case(
                "silent after accept",
                GOOD,
                HttpTestServer.silent(),
                Optional.empty(),
                Reason.HTTP_TIMEOUT,
                "TLS handshake did not complete"),
            new Case(
                "never answers",
                GOOD,
                HttpTestServer.neverAnswer(),
                Optional.empty(),
                Reason.HTTP_TIMEOUT,
                "no complete HTTP response"),
            new Case(
                "trickles its headers",
                GOOD,
                HttpTestServer.trickle(50),
                Optional.empty(),
                Reason.HTTP_TIMEOUT,
                "no complete HTTP response"),
            new Case(
                "endless body without the text",
                GOOD,
                HttpTestServer.endlessBody(),
                Optional.of("\"status\":\"ok\""),
                Reason.BODY_MISMATCH,
                "(65536 bytes read, the most that is read) does not contain"),
            new Case(
                "body without the text",
                GOOD,
                HttpTestServer.respond(200, "{\"status\":\"degraded\"}"),
                Optional.of("\"status\":\"ok\""),
                Reason.BODY_MISMATCH,
                "it starts \"{\"status\":\"degraded\"}\""),
            new Case(
                "malformed status line",
                GOOD,
                HttpTestServer.raw("HTTP/1.1 OK fine\r\n\r\n"),
                Optional.empty(),
                Reason.HTTP_STATUS,
                "malformed status line \"HTTP/1.1 OK fine\""),
            new Case(
                "enormous headers",
                GOOD,
                HttpTestServer.raw(
                    "HTTP/1.1 200 OK\r\n" + "X-Padding: abcdefgh\r\n".repeat(5000) + "\r\n"),
                Optional.empty(),
                Reason.HTTP_STATUS,
                "larger than 64 KiB"),
            new Case(
                "closes without answering",
                GOOD,
                HttpTestServer.raw(""),
                Optional.empty(),
                Reason.HTTP_STATUS,
                "closed before an HTTP status line"))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void failuresEndInTheirReasonWithinTheBudget(Case c) throws Exception {
    try (var server = HttpTestServer.https(c.tls(), c.behavior())) {
      Target target = target("https", server.port(), "/api/health", c.bodyContains(), 800);
      long start = System.nanoTime();
      ProbeResult result = probe(target, new Trace());
      long tookMs = (System.nanoTime() - start) / 1_000_000;

      assertTrue(result.failure().isPresent(), "should fail");
      assertEquals(c.reason(), result.failure().get().reason(), result.failure().get().detail());
      assertTrue(
          result.failure().get().detail().contains(c.detail()),
          "detail: " + result.failure().get().detail());
      assertTrue(tookMs < 2500, "took " + tookMs + " ms for a budget of 800 ms");
      assertTrue(server.connections() <= 1, "one connection, redirects are not followed");
    }
  }

  @Test
  void endlessBodyIsNotReadWhenNoTextIsExpected() throws Exception {
    try (var server = HttpTestServer.https(GOOD, HttpTestServer.endlessBody())) {
      ProbeResult result =
          probe(target("https", server.port(), "/", Optional.empty(), 2000), new Trace());
      assertEquals(Optional.empty(), result.failure());
      assertEquals(200, result.status().getAsInt());
    }
  }

  @Test
  void chunkedBodyIsSearched() throws Exception {
    String chunked =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\n{\"sta\r\n"
            + "b\r\ntus\":\"ok\"}\r\n0\r\n\r\n";
    try (var server = HttpTestServer.https(GOOD, HttpTestServer.raw(chunked))) {
      ProbeResult result =
          probe(
              target("https", server.port(), "/", Optional.of("\"status\":\"ok\""), 2000),
              new Trace());
      assertEquals(Optional.empty(), result.failure());
    }
  }

  @Test
  void refusedConnection() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      port = s.getLocalPort();
    }
    ProbeResult result = probe(target("https", port, "/", Optional.empty(), 2000), new Trace());
    assertEquals(Reason.CONNECT_REFUSED, result.failure().get().reason());
    assertTrue(
        result.failure().get().detail().contains("127.0.0.1:" + port),
        result.failure().get().detail());
  }

  @Test
  void unansweredConnectTimesOutWithinTheBudget() throws Exception {
    try (Blackhole hole = new Blackhole()) {
      long start = System.nanoTime();
      ProbeResult result =
          probe(target("https", hole.port(), "/", Optional.empty(), 500), new Trace());
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertEquals(
          Reason.CONNECT_TIMEOUT, result.failure().get().reason(), result.failure().get().detail());
      assertTrue(tookMs < 2000, "took " + tookMs);
    }
  }

  @Test
  void abortStopsABlockedRead() throws Exception {
    try (var server = HttpTestServer.https(GOOD, HttpTestServer.neverAnswer())) {
      Trace trace = new Trace();
      Thread.ofVirtual()
          .start(() -> {
            try {
              Thread.sleep(300);
            } catch (InterruptedException e) {
              return;
            }
            trace.abort();
          });
      long start = System.nanoTime();
      ProbeResult result =
          probe(target("https", server.port(), "/", Optional.empty(), 10_000), trace);
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertEquals(Reason.HTTP_TIMEOUT, result.failure().get().reason());
      assertTrue(tookMs < 3000, "took " + tookMs);
      assertFalse(trace.tls().isEmpty(), "the handshake had completed");
    }
  }
}
