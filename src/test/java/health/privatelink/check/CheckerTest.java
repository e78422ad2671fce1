package health.privatelink.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.Deadline;
import health.privatelink.Reason;
import health.privatelink.config.Cidr;
import health.privatelink.config.Target;
import health.privatelink.dns.DnsResolver;
import health.privatelink.probe.HttpProber;
import health.privatelink.testing.Blackhole;
import health.privatelink.testing.BrokenTls;
import health.privatelink.testing.DnsTestServer;
import health.privatelink.testing.HttpTestServer;
import health.privatelink.testing.TestPki;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole check end to end: the real resolver against a DNS server on loopback, the real prober
 * against HTTPS servers on loopback, under the orchestrator's deadline.
 */
class CheckerTest {
  private static final String HOST = "api.private.example.test";
  private static final TestPki PKI = new TestPki();
  private static final SSLContext TLS =
      TestPki.serverContext(PKI.server(90, HOST, "*.slow.example.test"));
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

  static Target target(
      String name, String host, int port, long timeoutMs, List<Cidr> cidrs, Optional<String> body) {
    return new Target(
        name,
        URI.create("https://" + host + ":" + port + "/api/health"),
        Set.of(200),
        Duration.ofMillis(timeoutMs),
        body,
        cidrs,
        true);
  }

  @Test
  void aCheckThatThrowsFailsTheRunAtOnceInsteadOfReadingAsATimeout() throws Exception {
    dns.on(HOST).a("127.0.0.1");
    Checker broken =
        new Checker(
            new DnsResolver(List.of(dns.address())),
            new HttpProber(new BrokenTls(), Clock.systemUTC()),
            Clock.systemUTC());
    try (var server = HttpTestServer.https(TLS, HttpTestServer.respond(200, "ok"))) {
      long start = System.nanoTime();

      CheckerException thrown =
          assertThrows(
              CheckerException.class,
              () ->
                  broken.run(
                      List.of(target("api", HOST, server.port(), 5000, LOOPBACK, Optional.empty())),
                      Deadline.after(Duration.ofSeconds(10))));

      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(tookMs < 2_000, "the bug surfaced after " + tookMs + " ms of a 5 s budget");
      assertEquals("the check of api failed", thrown.getMessage());
      assertEquals(BrokenTls.BUG, thrown.getCause().getMessage());
    }
  }

  @Test
  void healthyTargetHasAddressesStatusEveryTimingAndCertificateDays() throws Exception {
    dns.on(HOST).a("127.0.0.1");
    try (var server =
        HttpTestServer.https(TLS, HttpTestServer.respond(200, "{\"status\":\"ok\"}"))) {
      Report report =
          checker.run(
              List.of(target("api", HOST, server.port(), 3000, LOOPBACK, Optional.of("ok"))),
              Deadline.after(Duration.ofSeconds(10)));

      assertTrue(report.healthy());
      TargetResult r = report.results().getFirst();
      assertTrue(r.healthy(), () -> r.failure().toString());
      assertEquals(List.of(InetAddress.getByName("127.0.0.1")), r.addresses());
      assertEquals(200, r.status().getAsInt());
      assertTrue(r.timings().dns().isPresent(), "dns");
      assertTrue(r.timings().connect().isPresent(), "connect");
      assertTrue(r.timings().tls().isPresent(), "tls");
      assertTrue(r.timings().timeToFirstByte().isPresent(), "ttfb");
      Duration phases =
          r.timings().dns().get().plus(r.timings().connect().get()).plus(r.timings().tls().get());
      assertTrue(r.timings().total().compareTo(phases) >= 0, "total covers the phases");
      long days = r.certificateDaysRemaining().getAsLong();
      assertTrue(days == 89 || days == 90, "days " + days);
      assertEquals(Optional.empty(), r.diagnosis());
    }
  }

  /** One scenario per failure reason: how to set up DNS and the server, and what must come out. */
  record Case(Reason reason, Consumer<Env> setup, String detail) {
    @Override
    public String toString() {
      return reason.name();
    }
  }

  /** What a scenario sets up: the host to check, the port, and the allowed ranges. */
  static final class Env implements AutoCloseable {
    String host = HOST;
    int port;
    List<Cidr> cidrs = LOOPBACK;
    Optional<String> body = Optional.empty();
    final List<AutoCloseable> resources = new ArrayList<>();

    void serve(HttpTestServer.Behavior behavior) {
      try {
        HttpTestServer server = HttpTestServer.https(TLS, behavior);
        resources.add(server);
        port = server.port();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() throws java.io.IOException {
      for (AutoCloseable r : resources) {
        try {
          r.close();
        } catch (java.io.IOException e) {
          throw e;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  static Stream<Arguments> everyReason() {
    return Stream.of(
            new Case(
                Reason.NXDOMAIN,
                e -> {
                  e.host = "nx.example.test";
                  dns.on(e.host).nxdomain();
                  e.port = 443;
                },
                "nx.example.test: NXDOMAIN from 127.0.0.1:"),
            new Case(
                Reason.DNS_NODATA,
                e -> {
                  e.host = "nodata.example.test";
                  dns.on(e.host).nodata();
                  e.port = 443;
                },
                "no A record"),
            new Case(
                Reason.DNS_ERROR,
                e -> {
                  e.host = "servfail.example.test";
                  dns.on(e.host).rcode(2);
                  e.port = 443;
                },
                "SERVFAIL"),
            new Case(
                Reason.DNS_TIMEOUT,
                e -> {
                  e.host = "drop.example.test";
                  dns.on(e.host).drop();
                  e.port = 443;
                },
                "no answer from 127.0.0.1:"),
            new Case(
                Reason.NOT_PRIVATE_IP,
                e -> {
                  dns.on(HOST).a("127.0.0.1");
                  e.cidrs = List.of(Cidr.parse("10.0.0.0/8"));
                  e.serve(HttpTestServer.respond(200, "ok"));
                },
                "127.0.0.1 is outside the expected ranges 10.0.0.0/8"),
            new Case(
                Reason.CONNECT_TIMEOUT,
                e -> {
                  dns.on(HOST).a("127.0.0.1");
                  try {
                    Blackhole hole = new Blackhole();
                    e.resources.add(hole);
                    e.port = hole.port();
                  } catch (Exception x) {
                    throw new IllegalStateException(x);
                  }
                },
                "no TCP answer from 127.0.0.1:"),
            new Case(
                Reason.CONNECT_REFUSED,
                e -> {
                  dns.on(HOST).a("127.0.0.1");
                  try (ServerSocket s =
                      new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                    e.port = s.getLocalPort();
                  } catch (Exception x) {
                    throw new IllegalStateException(x);
                  }
                },
                "refused the connection"),
            new Case(
                Reason.TLS_ERROR,
                e -> {
                  e.host = "other.example.test";
                  dns.on(e.host).a("127.0.0.1");
                  e.serve(HttpTestServer.respond(200, "ok"));
                },
                "does not match other.example.test"),
            new Case(
                Reason.HTTP_TIMEOUT,
                e -> {
                  dns.on(HOST).a("127.0.0.1");
                  e.serve(HttpTestServer.neverAnswer());
                },
                "no complete HTTP response"),
            new Case(
                Reason.HTTP_STATUS,
                e -> {
                  dns.on(HOST).a("127.0.0.1");
                  e.serve(HttpTestServer.respond(503, "maintenance"));
                },
                "HTTP 503 Service Unavailable; expected 200"),
            new Case(
                Reason.BODY_MISMATCH,
                e -> {
                  dns.on(HOST).a("127.0.0.1");
                  e.body = Optional.of("\"status\":\"ok\"");
                  e.serve(HttpTestServer.respond(200, "{\"status\":\"down\"}"));
                },
                "does not contain"))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyReason")
  void everyReasonEndToEnd(Case c) throws Exception {
    try (Env env = new Env()) {
      c.setup().accept(env);
      Target target = target("t", env.host, env.port, 1000, env.cidrs, env.body);
      long start = System.nanoTime();
      Report report = checker.run(List.of(target), Deadline.after(Duration.ofSeconds(10)));
      long tookMs = (System.nanoTime() - start) / 1_000_000;

      TargetResult r = report.results().getFirst();
      assertFalse(report.healthy());
      assertEquals(1, report.unhealthyCount());
      assertEquals(c.reason(), r.failure().orElseThrow().reason(), r.failure().get().detail());
      assertTrue(r.failure().get().detail().contains(c.detail()), r.failure().get().detail());
      assertTrue(tookMs < 2500, "took " + tookMs + " ms for a 1000 ms budget");
      assertEquals(
          c.reason() != Reason.DNS_TIMEOUT,
          r.timings().dns().isPresent(),
          "the DNS phase counts as completed unless it timed out");
      if (c.reason() == Reason.NOT_PRIVATE_IP) {
        assertTrue(r.timings().connect().isEmpty(), "no connection to a public address");
        assertEquals(0, ((HttpTestServer) env.resources.getFirst()).connections());
      }
    }
  }

  @Test
  void targetsRunConcurrentlySoFortySlowTargetsTakeAboutAsLongAsOne() throws Exception {
    dns.on("slow.example.test").a("127.0.0.1");
    try (var server = HttpTestServer.https(TLS, HttpTestServer.delayed(1000, 200, "ok"))) {
      List<Target> targets = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        targets.add(
            new Target(
                "slow-" + i,
                URI.create("https://" + i + ".slow.example.test:" + server.port() + "/"),
                Set.of(200),
                Duration.ofMillis(8000),
                Optional.empty(),
                LOOPBACK,
                true));
        dns.on(i + ".slow.example.test").a("127.0.0.1");
      }
      long start = System.nanoTime();
      Report report = checker.run(targets, Deadline.after(Duration.ofSeconds(20)));
      long tookMs = (System.nanoTime() - start) / 1_000_000;

      assertTrue(
          report.healthy(),
          () -> report.results().stream().filter(r -> !r.healthy()).toList().toString());
      assertEquals(40, report.results().size());
      assertEquals(
          "slow-0", report.results().getFirst().target().name(), "configuration order kept");
      // Serially this would take 40 s; concurrently about 1 s plus TLS set-up on 2 busy cores.
      assertTrue(tookMs < 6000, "took " + tookMs + " ms");
    }
  }

  @Test
  void theRunDeadlineCutsEveryCheckShort() throws Exception {
    dns.on(HOST).a("127.0.0.1");
    try (var server = HttpTestServer.https(TLS, HttpTestServer.neverAnswer())) {
      long start = System.nanoTime();
      Report report =
          checker.run(
              List.of(target("hung", HOST, server.port(), 30_000, LOOPBACK, Optional.empty())),
              Deadline.after(Duration.ofMillis(700)));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertEquals(
          Reason.HTTP_TIMEOUT, report.results().getFirst().failure().orElseThrow().reason());
      assertTrue(tookMs < 2000, "took " + tookMs);
    }
  }

  @Test
  void everyRunAsksDnsAgain() throws Exception {
    dns.on("fresh.example.test").a("127.0.0.1");
    List<Target> targets =
        List.of(target("fresh", "fresh.example.test", 9, 500, LOOPBACK, Optional.empty()));
    checker.run(targets, Deadline.after(Duration.ofSeconds(5)));
    dns.on("fresh.example.test").nxdomain();
    Report second = checker.run(targets, Deadline.after(Duration.ofSeconds(5)));
    assertEquals(Reason.NXDOMAIN, second.results().getFirst().failure().orElseThrow().reason());
    assertEquals(2, dns.queries("fresh.example.test").size());
  }
}
