package health.privatelink.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.Deadline;
import health.privatelink.Reason;
import health.privatelink.config.Cidr;
import health.privatelink.config.Target;
import health.privatelink.dns.DnsResolver;
import health.privatelink.probe.HttpProber;
import health.privatelink.testing.DnsTestServer;
import health.privatelink.testing.HttpTestServer;
import health.privatelink.testing.TestPki;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile and broken peers, end to end through the orchestrator with the real resolver and prober:
 * each ends in its failure reason, with a detail naming the problem, within the target's budget
 * plus a small grace, and never in an exception or a hang.
 */
class HostilePeersTest {
  private static final String HOST = "api.private.example.test";
  private static final TestPki PKI = new TestPki();
  private static final SSLContext GOOD = TestPki.serverContext(PKI.server(90, HOST));
  private static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"));

  /** Every target here has this budget; a result must come within it plus {@link #GRACE}. */
  private static final Duration BUDGET = Duration.ofMillis(1000);

  private static final Duration GRACE = Duration.ofMillis(700);

  private static DnsTestServer dns;

  @BeforeAll
  static void startDns() throws IOException {
    dns = DnsTestServer.start();
    dns.on(HOST).a("127.0.0.1");
  }

  @AfterAll
  static void stopDns() {
    dns.close();
  }

  private static Checker checker(List<InetSocketAddress> servers) {
    return new Checker(
        new DnsResolver(servers),
        new HttpProber(PKI.clientSocketFactory(), Clock.systemUTC()),
        Clock.systemUTC());
  }

  private static TargetResult check(String host, int port) {
    return check(checker(List.of(dns.address())), host, port);
  }

  private static TargetResult check(Checker checker, String host, int port) {
    Target target =
        new Target(
            "hostile",
            URI.create("https://" + host + ":" + port + "/health"),
            Set.of(200),
            BUDGET,
            Optional.empty(),
            LOOPBACK,
            true);
    long start = System.nanoTime();
    Report report = checker.run(List.of(target), Deadline.after(Duration.ofSeconds(10)));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(
        took.compareTo(BUDGET.plus(GRACE)) < 0,
        "took " + took.toMillis() + " ms for a budget of " + BUDGET.toMillis() + " ms");
    assertEquals(1, report.results().size());
    return report.results().getFirst();
  }

  private static void assertFailure(Reason reason, String detail, TargetResult result) {
    assertTrue(result.failure().isPresent(), "should fail");
    assertEquals(reason, result.failure().get().reason(), result.failure().get().detail());
    assertTrue(
        result.failure().get().detail().contains(detail),
        "detail should contain \"" + detail + "\": " + result.failure().get().detail());
  }

  // ---- DNS ----

  @Test
  void dnsReplyCutOffInsideARecordIsADnsError() {
    dns.on("cut.example.test").malformed();
    assertFailure(Reason.DNS_ERROR, "malformed reply", check("cut.example.test", 443));
  }

  @Test
  void dnsReplyForAnotherQueryIdIsADnsError() {
    dns.on("wrong-id.example.test").wrongId().a("127.0.0.1");
    assertFailure(
        Reason.DNS_ERROR, "reply with a wrong query ID", check("wrong-id.example.test", 443));
  }

  @Test
  void dnsReplyOfGarbageBytesIsADnsError() throws Exception {
    // Not a DNS message at all: twelve bytes of header noise, then nothing the parser can use.
    try (DatagramSocket garbage = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual()
          .start(() -> {
            byte[] buffer = new byte[512];
            while (!garbage.isClosed()) {
              var packet = new java.net.DatagramPacket(buffer, buffer.length);
              try {
                garbage.receive(packet);
                byte[] reply =
                    new byte[] {
                      buffer[0],
                      buffer[1],
                      (byte) 0x81,
                      (byte) 0x80,
                      0,
                      1,
                      0,
                      5,
                      0,
                      0,
                      0,
                      0,
                      (byte) 0xc0,
                      (byte) 0xff
                    };
                garbage.send(
                    new java.net.DatagramPacket(reply, reply.length, packet.getSocketAddress()));
              } catch (IOException closed) {
                return;
              }
            }
          });
      Checker checker =
          checker(
              List.of(new InetSocketAddress(garbage.getLocalAddress(), garbage.getLocalPort())));
      assertFailure(Reason.DNS_ERROR, "from 127.0.0.1:", check(checker, HOST, 443));
    }
  }

  @Test
  void truncatedUdpAnswerFallsBackToTcpAndSucceeds() throws Exception {
    dns.on("big.example.test").truncateOverUdp().a("127.0.0.1");
    try (var server =
        HttpTestServer.https(
            TestPki.serverContext(PKI.server(30, "big.example.test")),
            HttpTestServer.respond(200, "ok"))) {
      TargetResult result = check("big.example.test", server.port());
      assertTrue(result.healthy(), () -> result.failure().toString());
      assertEquals(
          List.of(DnsTestServer.Transport.UDP, DnsTestServer.Transport.TCP),
          dns.queries("big.example.test").stream().map(DnsTestServer.Query::transport).toList());
    }
  }

  @Test
  void resolverThatIsDownIsADnsTimeout() throws Exception {
    InetSocketAddress down;
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      down = new InetSocketAddress(probe.getLocalAddress(), probe.getLocalPort());
    }
    assertFailure(Reason.DNS_TIMEOUT, "unreachable", check(checker(List.of(down)), HOST, 443));
  }

  @Test
  void resolverThatNeverAnswersIsADnsTimeoutAtTheBudget() {
    dns.on("silent.example.test").drop();
    assertFailure(Reason.DNS_TIMEOUT, "no answer from", check("silent.example.test", 443));
  }

  // ---- HTTP ----

  @Test
  void serverTricklingItsHeadersOneByteAtATimeIsAnHttpTimeout() throws Exception {
    try (var server = HttpTestServer.https(GOOD, HttpTestServer.trickle(40))) {
      assertFailure(Reason.HTTP_TIMEOUT, "no complete HTTP response", check(HOST, server.port()));
    }
  }

  @Test
  void malformedStatusLineIsAnHttpStatusFailure() throws Exception {
    try (var server =
        HttpTestServer.https(GOOD, HttpTestServer.raw("HTTP/1.1 two hundred OK\r\n\r\n"))) {
      assertFailure(
          Reason.HTTP_STATUS,
          "malformed status line \"HTTP/1.1 two hundred OK\"",
          check(HOST, server.port()));
    }
  }

  @Test
  void statusLineOfBinaryNoiseIsShownSanitised() throws Exception {
    try (var server =
        HttpTestServer.https(GOOD, HttpTestServer.raw("\u0000\u001b[31mHTTP\u0007\r\n\r\n"))) {
      TargetResult result = check(HOST, server.port());
      assertFailure(Reason.HTTP_STATUS, "malformed status line \"??[31mHTTP?\"", result);
    }
  }

  @Test
  void enormousHeadersAreCutOffAt64KiB() throws Exception {
    try (var server =
        HttpTestServer.https(
            GOOD,
            HttpTestServer.raw(
                "HTTP/1.1 200 OK\r\n" + "X-Padding: abcdefgh\r\n".repeat(50_000) + "\r\n"))) {
      assertFailure(Reason.HTTP_STATUS, "larger than 64 KiB", check(HOST, server.port()));
    }
  }

  @Test
  void oneEndlessHeaderLineIsCutOffAt8KiB() throws Exception {
    try (var server =
        HttpTestServer.https(
            GOOD, HttpTestServer.raw("HTTP/1.1 200 OK\r\nX-Long: " + "a".repeat(1 << 20)))) {
      assertFailure(Reason.HTTP_STATUS, "longer than 8 KiB", check(HOST, server.port()));
    }
  }

  // ---- TLS ----

  @Test
  void serverOfferingOnlyOldProtocolsAnswersWithAnAlertAndIsATlsError() throws Exception {
    // What a server limited to TLS 1.0/1.1 (OpenSSL's s_server -tls1) answers a client that
    // offers only TLS 1.2 and 1.3: a fatal protocol_version alert.
    byte[] alert = {0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46};
    try (var server = HttpTestServer.http(afterClientHello(alert))) {
      assertFailure(Reason.TLS_ERROR, "no TLS version in common", check(HOST, server.port()));
    }
  }

  @Test
  void serverChoosingTls10IsRefusedAsATlsError() throws Exception {
    // An old server that ignores supported_versions and picks TLS 1.0 in its ServerHello.
    ByteBuffer hello = ByteBuffer.allocate(47);
    hello.put(new byte[] {0x16, 0x03, 0x01, 0x00, 42}); // handshake record, TLS 1.0
    hello.put(new byte[] {0x02, 0x00, 0x00, 38}); // ServerHello, 38 bytes
    hello.put(new byte[] {0x03, 0x01}); // server_version TLS 1.0
    hello.put(new byte[32]); // random
    hello.put((byte) 0); // no session id
    // A suite the client offers, so that the version is what it refuses.
    hello.put(new byte[] {(byte) 0xc0, 0x2b}); // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
    hello.put((byte) 0); // no compression
    try (var server = HttpTestServer.http(afterClientHello(hello.array()))) {
      assertFailure(Reason.TLS_ERROR, "no TLS version in common", check(HOST, server.port()));
    }
  }

  @Test
  void expiredCertificateIsATlsError() throws Exception {
    SSLContext expired =
        TestPki.serverContext(
            PKI.server(
                Instant.now().minus(Duration.ofDays(30)),
                Instant.now().minus(Duration.ofDays(1)),
                HOST));
    try (var server = HttpTestServer.https(expired, HttpTestServer.respond(200, "ok"))) {
      assertFailure(Reason.TLS_ERROR, "has expired", check(HOST, server.port()));
    }
  }

  @Test
  void selfSignedCertificateIsATlsError() throws Exception {
    SSLContext selfSigned = TestPki.serverContext(TestPki.selfSigned(HOST));
    try (var server = HttpTestServer.https(selfSigned, HttpTestServer.respond(200, "ok"))) {
      assertFailure(Reason.TLS_ERROR, "not trusted", check(HOST, server.port()));
    }
  }

  @Test
  void certificateForAnotherNameIsATlsError() throws Exception {
    SSLContext other = TestPki.serverContext(PKI.server(30, "other.example.test"));
    try (var server = HttpTestServer.https(other, HttpTestServer.respond(200, "ok"))) {
      assertFailure(Reason.TLS_ERROR, "does not match " + HOST, check(HOST, server.port()));
    }
  }

  @Test
  void plainHttpServerOnTheHttpsPortIsATlsError() throws Exception {
    // As nginx does with a TLS handshake on its plain HTTP port: a 400, at once.
    byte[] badRequest =
        "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try (var server = HttpTestServer.http(afterClientHello(badRequest))) {
      assertFailure(Reason.TLS_ERROR, "not a TLS server", check(HOST, server.port()));
    }
  }

  /** Reads one TLS record (the ClientHello), answers {@code reply} and closes. */
  private static HttpTestServer.Behavior afterClientHello(byte[] reply) {
    return c -> {
      DataInputStream in = new DataInputStream(c.in());
      byte[] header = new byte[5];
      in.readFully(header);
      in.readFully(new byte[((header[3] & 0xff) << 8) | (header[4] & 0xff)]);
      c.out().write(reply);
      c.out().flush();
      Thread.sleep(200);
    };
  }
}
