package health.privatelink.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.Deadline;
import health.privatelink.Failure;
import health.privatelink.Reason;
import health.privatelink.config.Cidr;
import health.privatelink.config.Target;
import health.privatelink.dns.DnsResolver;
import health.privatelink.probe.HttpProber;
import health.privatelink.testing.DnsTestServer;
import health.privatelink.testing.HttpTestServer;
import health.privatelink.testing.TestPki;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A target whose name answers several addresses, as an interface endpoint's does (one per
 * Availability Zone): the real resolver against a DNS server answering several A records, and one
 * HTTPS server per address, on 127.0.0.2, 127.0.0.3, ... sharing one port, as the URL's port must
 * fit them all.
 */
class EveryAddressTest {
  private static final String HOST = "api.private.example.test";
  private static final TestPki PKI = new TestPki();
  private static final SSLContext GOOD = TestPki.serverContext(PKI.server(90, HOST));
  private static final SSLContext SOON = TestPki.serverContext(PKI.server(30, HOST));
  private static final SSLContext WRONG_NAME =
      TestPki.serverContext(PKI.server(90, "other.example.test"));
  private static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"));

  private static DnsTestServer dns;

  @BeforeAll
  static void startDns() throws Exception {
    dns = DnsTestServer.start();
  }

  @AfterAll
  static void stopDns() throws Exception {
    dns.close();
  }

  private final Checker checker =
      new Checker(
          new DnsResolver(List.of(dns.address())),
          new HttpProber(PKI.clientSocketFactory(), Clock.systemUTC()),
          Clock.systemUTC());
  private final List<HttpTestServer> servers = new ArrayList<>();
  private int port;

  @AfterEach
  void stopServers() throws IOException {
    for (HttpTestServer s : servers) {
      s.close();
    }
  }

  /** What the server at one address does; {@code null} stands for no server: TCP reset. */
  record Serve(SSLContext tls, HttpTestServer.Behavior behavior) {}

  private static final Serve OK = new Serve(GOOD, HttpTestServer.respond(200, "ok"));
  private static final Serve REFUSE = null;
  private static final Serve HANG = new Serve(GOOD, HttpTestServer.neverAnswer());
  private static final Serve WRONG_CERT = new Serve(WRONG_NAME, HttpTestServer.respond(200, "ok"));
  private static final Serve UNAVAILABLE = new Serve(GOOD, HttpTestServer.respond(503, "down"));

  private static String address(int i) {
    return "127.0.0." + (2 + i);
  }

  /**
   * Starts one server per address on one port free on all of them, and answers {@code HOST} with
   * those addresses in order.
   */
  private void serve(Serve... perAddress) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(address(0)))) {
        port = probe.getLocalPort();
      }
      try {
        for (int i = 0; i < perAddress.length; i++) {
          Serve s = perAddress[i];
          if (s != null) {
            servers.add(
                HttpTestServer.httpsAt(
                    s.tls(), new InetSocketAddress(address(i), port), s.behavior()));
          }
        }
        break;
      } catch (BindException taken) {
        stopServers();
        servers.clear();
        if (attempt == 20) {
          throw taken;
        }
      }
    }
    answer(IntStream.range(0, perAddress.length).mapToObj(EveryAddressTest::address).toList());
  }

  private static void answer(List<String> addresses) {
    dns.on(HOST).a(addresses.toArray(String[]::new));
  }

  private Target target(long timeoutMs, boolean allAddresses) {
    return new Target(
        "api",
        URI.create("https://" + HOST + ":" + port + "/api/health"),
        Set.of(200),
        Duration.ofMillis(timeoutMs),
        Optional.empty(),
        LOOPBACK,
        allAddresses);
  }

  private TargetResult check(Target target) {
    return checker
        .run(List.of(target), Deadline.after(Duration.ofSeconds(20)))
        .results()
        .getFirst();
  }

  private String at(int i) {
    return address(i) + ":" + port;
  }

  private static List<Boolean> healthy(TargetResult r) {
    return r.endpoints().stream().map(EndpointResult::healthy).toList();
  }

  private static List<String> endpointAddresses(TargetResult r) {
    return r.endpoints().stream().map(e -> e.address().getHostAddress()).toList();
  }

  @Test
  void oneRefusingAddressOfThreeFailsTheTargetAndIsNamed() throws Exception {
    serve(OK, REFUSE, OK);

    TargetResult r = check(target(2000, true));

    assertFalse(r.healthy());
    assertEquals(
        new Failure(
            Reason.CONNECT_REFUSED,
            at(1) + " (1 of 3 addresses): refused the connection (TCP reset)"),
        r.failure().orElseThrow());
    assertEquals(List.of(address(0), address(1), address(2)), endpointAddresses(r));
    assertEquals(List.of(true, false, true), healthy(r));
    assertEquals(
        Optional.of(new Failure(Reason.CONNECT_REFUSED, "refused the connection (TCP reset)")),
        r.endpoints().get(1).failure(),
        "an address's own detail does not repeat the address it sits beside");
    assertTrue(r.status().isEmpty(), "the failing address's status: none arrived");
    assertEquals(200, r.endpoints().getFirst().status().getAsInt());
    assertEquals(Optional.empty(), r.endpoints().getFirst().zone());
    assertTrue(r.endpoints().getFirst().timings().dns().isEmpty(), "DNS is the target's alone");
  }

  @Test
  void aHungAddressOfTwoTimesOutAloneAndHoldsNeitherTheOtherNorTheRun() throws Exception {
    serve(OK, HANG);
    long start = System.nanoTime();

    TargetResult r = check(target(1000, true));

    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(
        new Failure(
            Reason.HTTP_TIMEOUT,
            at(1) + " (1 of 2 addresses): connected but no complete HTTP response within 1000 ms"),
        r.failure().orElseThrow());
    assertEquals(List.of(true, false), healthy(r));
    EndpointResult ok = r.endpoints().getFirst();
    assertEquals(200, ok.status().getAsInt());
    assertTrue(ok.timings().timeToFirstByte().isPresent(), "the healthy address's own timings");
    assertTrue(
        ok.timings().total().toMillis() < 800,
        "the healthy address's result is its own: " + ok.timings().total().toMillis() + " ms");
    assertTrue(tookMs < 1000 + 700, "took " + tookMs + " ms for a 1000 ms budget");
  }

  @Test
  void theRunDeadlineCutsEveryAddressShortAndKeepsTheHealthyOnesResults() throws Exception {
    serve(HANG, OK, HANG);
    long start = System.nanoTime();

    Report report =
        checker.run(List.of(target(30_000, true)), Deadline.after(Duration.ofMillis(700)));

    long tookMs = (System.nanoTime() - start) / 1_000_000;
    TargetResult r = report.results().getFirst();
    assertEquals(Reason.HTTP_TIMEOUT, r.failure().orElseThrow().reason());
    assertTrue(
        r.failure().get().detail().startsWith(at(0) + " (2 of 3 addresses): connected but"),
        r.failure().get().detail());
    assertEquals(List.of(false, true, false), healthy(r));
    assertTrue(tookMs < 700 + 700, "took " + tookMs + " ms for a 700 ms run deadline");
  }

  @Test
  void aWrongCertificateOnOneAddressIsATlsErrorOfThatAddress() throws Exception {
    serve(WRONG_CERT, OK, OK);

    TargetResult r = check(target(2000, true));

    Failure failure = r.failure().orElseThrow();
    assertEquals(Reason.TLS_ERROR, failure.reason());
    assertTrue(
        failure
            .detail()
            .startsWith(
                at(0) + " (1 of 3 addresses): the server certificate does not match " + HOST),
        failure.detail());
    assertFalse(failure.detail().contains(" at " + at(0)), "the address is named once: " + failure);
    assertEquals(List.of(false, true, true), healthy(r));
  }

  @Test
  void everyAddressPassingIsHealthyWithTheSlowestTimingsAndFewestDays() throws Exception {
    serve(OK, new Serve(SOON, HttpTestServer.respond(200, "ok")), OK);

    TargetResult r = check(target(3000, true));

    assertTrue(r.healthy(), () -> r.failure().toString());
    assertEquals(List.of(true, true, true), healthy(r));
    assertEquals(200, r.status().getAsInt());
    assertEquals(3, servers.stream().mapToInt(HttpTestServer::connections).sum());
    long days = r.certificateDaysRemaining().getAsLong();
    assertTrue(days == 29 || days == 30, "the fewest days of the three: " + days);
    assertEquals(
        r.endpoints().stream()
            .map(e -> e.timings().connect().orElseThrow())
            .max(Duration::compareTo),
        r.timings().connect());
    assertEquals(
        r.endpoints().stream().map(e -> e.timings().tls().orElseThrow()).max(Duration::compareTo),
        r.timings().tls());
    assertEquals(
        r.endpoints().stream()
            .map(e -> e.timings().timeToFirstByte().orElseThrow())
            .max(Duration::compareTo),
        r.timings().timeToFirstByte());
    assertTrue(r.timings().dns().isPresent(), "dns");
    for (EndpointResult e : r.endpoints()) {
      assertTrue(r.timings().total().compareTo(e.timings().total()) >= 0, "total is the whole");
    }
  }

  @Test
  void allAddressesFalseChecksOnlyTheFirstAndReadsAsOneAddress() throws Exception {
    serve(OK, UNAVAILABLE);

    TargetResult healthy = check(target(2000, false));

    assertTrue(healthy.healthy(), () -> healthy.failure().toString());
    assertEquals(List.of(address(0)), endpointAddresses(healthy));
    assertEquals(2, healthy.addresses().size(), "every address is still resolved and listed");
    assertEquals(0, servers.get(1).connections(), "the second address is not connected to");

    answer(List.of(address(1), address(0)));
    TargetResult failed = check(target(2000, false));
    assertEquals(
        new Failure(Reason.HTTP_STATUS, "HTTP 503 Service Unavailable; expected 200"),
        failed.failure().orElseThrow());
    assertEquals(503, failed.status().getAsInt());
    assertEquals(List.of(address(1)), endpointAddresses(failed));
  }

  @Test
  void allAddressesFalseStillCidrChecksEveryAddress() throws Exception {
    serve(OK);
    dns.on(HOST).a(address(0), "10.0.0.9");

    TargetResult r = check(target(2000, false));

    assertEquals(Reason.NOT_PRIVATE_IP, r.failure().orElseThrow().reason());
    assertEquals(List.of(), r.endpoints());
    assertEquals(0, servers.getFirst().connections());
  }

  @Test
  void theReasonFollowsTheAnswersOrderFromRunToRun() throws Exception {
    serve(REFUSE, UNAVAILABLE, OK);

    TargetResult first = check(target(2000, true));
    assertEquals(
        new Failure(
            Reason.CONNECT_REFUSED,
            at(0) + " (2 of 3 addresses): refused the connection (TCP reset)"),
        first.failure().orElseThrow());
    assertTrue(first.status().isEmpty());

    answer(List.of(address(2), address(1), address(0)));
    TargetResult second = check(target(2000, true));
    assertEquals(
        new Failure(
            Reason.HTTP_STATUS,
            at(1) + " (2 of 3 addresses): HTTP 503 Service Unavailable; expected 200"),
        second.failure().orElseThrow());
    assertEquals(503, second.status().getAsInt());
    assertEquals(List.of(address(2), address(1), address(0)), endpointAddresses(second));
    assertEquals(List.of(true, false, false), healthy(second));
  }

  @Test
  void pastSixteenAddressesTheRestAreNamedAsNotChecked() throws Exception {
    Serve[] twenty = new Serve[20];
    Arrays.fill(twenty, 0, 16, OK);
    twenty[3] = REFUSE;
    // The last four have no server: were they connected to, they would fail too.
    serve(twenty);

    TargetResult r = check(target(3000, true));

    assertEquals(
        new Failure(
            Reason.CONNECT_REFUSED,
            at(3)
                + " (1 of 16 addresses): refused the connection (TCP reset);"
                + " 4 addresses past the first 16 not checked"),
        r.failure().orElseThrow());
    assertEquals(20, r.addresses().size());
    assertEquals(
        IntStream.range(0, 16).mapToObj(EveryAddressTest::address).toList(), endpointAddresses(r));
  }

  @Test
  void seventeenAddressesNameTheOneLeftUnchecked() throws Exception {
    Serve[] seventeen = new Serve[17];
    Arrays.fill(seventeen, OK);
    seventeen[0] = UNAVAILABLE;
    serve(seventeen);

    TargetResult r = check(target(3000, true));

    assertEquals(
        new Failure(
            Reason.HTTP_STATUS,
            at(0)
                + " (1 of 16 addresses): HTTP 503 Service Unavailable; expected 200;"
                + " 1 address past the first 16 not checked"),
        r.failure().orElseThrow());
    assertEquals(16, r.endpoints().size());
    assertEquals(0, servers.get(16).connections(), "the seventeenth is not connected to");
  }
}
