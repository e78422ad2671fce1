package health.privatelink.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.Deadline;
import health.privatelink.Failure;
import health.privatelink.Reason;
import health.privatelink.testing.DnsTestServer;
import health.privatelink.testing.DnsTestServer.Query;
import health.privatelink.testing.DnsTestServer.Rule;
import health.privatelink.testing.DnsTestServer.Transport;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Rcode;

class DnsResolverTest {
  private static final String HOST = "api.example.com";
  private static final Duration BUDGET = Duration.ofSeconds(2);

  private DnsTestServer dns;
  private String server;
  private DnsResolver resolver;

  @BeforeEach
  void start() throws IOException {
    dns = DnsTestServer.start();
    server = DnsResolver.format(dns.address());
    resolver = new DnsResolver(List.of(dns.address()));
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  @Test
  void resolvesEveryAddressInTheAnswersOrder() {
    dns.on(HOST).a("10.0.2.34", "10.0.1.23", "10.0.3.45");

    List<InetAddress> addresses = resolved(resolver.resolve(HOST, Deadline.after(BUDGET)));

    assertEquals(List.of("10.0.2.34", "10.0.1.23", "10.0.3.45"), texts(addresses));
    // Named after the host, so nothing downstream reaches for a reverse lookup.
    assertEquals(HOST, addresses.get(0).getHostName());
    assertEquals(List.of(new Query(HOST, 1, Transport.UDP)), dns.queries());
  }

  /** One failure the server can be made to give, and what the resolver must make of it. */
  record Case(String name, Consumer<Rule> program, Reason reason, String detail) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> failures() {
    // In detail, {host} and {server} stand for themselves; the rest is a regular expression.
    return Stream.of(
        new Case("NXDOMAIN", Rule::nxdomain, Reason.NXDOMAIN, "{host}: NXDOMAIN from {server}"),
        new Case(
            "NOERROR, no record",
            Rule::nodata,
            Reason.DNS_NODATA,
            "{host}: no A record \\(NOERROR\\) from {server}"),
        new Case(
            "SERVFAIL",
            r -> r.rcode(Rcode.SERVFAIL),
            Reason.DNS_ERROR,
            "{host}: SERVFAIL from {server}"),
        new Case(
            "REFUSED",
            r -> r.rcode(Rcode.REFUSED),
            Reason.DNS_ERROR,
            "{host}: REFUSED from {server}"),
        new Case(
            "NOTIMP", r -> r.rcode(Rcode.NOTIMP), Reason.DNS_ERROR, "{host}: NOTIMP from {server}"),
        new Case(
            "FORMERR",
            r -> r.rcode(Rcode.FORMERR),
            Reason.DNS_ERROR,
            "{host}: FORMERR from {server}"),
        new Case(
            "reply cut short",
            Rule::malformed,
            Reason.DNS_ERROR,
            "{host}: malformed reply \\(truncated record\\) from {server}"),
        new Case(
            "wrong query ID",
            r -> r.wrongId().a("10.0.0.1"),
            Reason.DNS_ERROR,
            "{host}: reply with a wrong query ID from {server}"),
        new Case(
            "no reply",
            Rule::drop,
            Reason.DNS_TIMEOUT,
            "{host}: no answer from {server} within (199\\d|20[0-4]\\d) ms"),
        new Case(
            "reply after the deadline",
            r -> r.delay(Duration.ofSeconds(5)).a("10.0.0.1"),
            Reason.DNS_TIMEOUT,
            "{host}: no answer from {server} within \\d+ ms"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void classifiesEachFailureWithADetailNamingHostAndServer(Case c) {
    c.program().accept(dns.on(HOST));

    long started = System.nanoTime();
    Failure failure = failed(resolver.resolve(HOST, Deadline.after(BUDGET)));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertEquals(c.reason(), failure.reason(), failure.detail());
    assertMatches(c.detail(), failure.detail());
    assertTrue(took.compareTo(BUDGET.plusMillis(200)) < 0, "took " + took);
  }

  @Test
  void followsACnameChainAnsweredInFull() {
    dns.on(HOST).cname("lb.example.com");
    dns.on("lb.example.com").cname("az1.lb.example.com");
    dns.on("az1.lb.example.com").a("10.0.7.1", "10.0.7.2");

    List<InetAddress> addresses = resolved(resolver.resolve(HOST, Deadline.after(BUDGET)));

    assertEquals(List.of("10.0.7.1", "10.0.7.2"), texts(addresses));
    assertEquals(1, dns.queries().size(), "the whole chain came in one answer");
  }

  @Test
  void asksForTheEndOfAChainTheAnswerStoppedShortOf() {
    dns.on(HOST).cname("lb.example.com");
    dns.on("lb.example.com").cnameOnly("az1.lb.example.com");
    dns.on("az1.lb.example.com").a("10.0.7.1");

    List<InetAddress> addresses = resolved(resolver.resolve(HOST, Deadline.after(BUDGET)));

    assertEquals(List.of("10.0.7.1"), texts(addresses));
    assertEquals(List.of(HOST, "az1.lb.example.com"), names(dns.queries()));
  }

  @Test
  void reportsNxdomainAtTheEndOfAChain() {
    dns.on(HOST).cname("gone.example.com");

    Failure failure = failed(resolver.resolve(HOST, Deadline.after(BUDGET)));

    assertEquals(
        new Failure(
            Reason.NXDOMAIN, HOST + " (CNAME to gone.example.com): NXDOMAIN from " + server),
        failure);
  }

  @Test
  void reportsNodataNamingTheCnameTarget() {
    dns.on(HOST).cnameOnly("empty.example.com");
    dns.on("empty.example.com").nodata();

    Failure failure = failed(resolver.resolve(HOST, Deadline.after(BUDGET)));

    assertEquals(
        new Failure(
            Reason.DNS_NODATA,
            HOST + " (CNAME to empty.example.com): no A record (NOERROR) from " + server),
        failure);
    assertEquals(List.of(HOST, "empty.example.com"), names(dns.queries()));
  }

  @Test
  void stopsAtACnameLoopInOneAnswer() {
    dns.on(HOST).cname("loop.example.com");
    dns.on("loop.example.com").cname(HOST);

    Failure failure = failed(resolver.resolve(HOST, Deadline.after(BUDGET)));

    assertEquals(Reason.DNS_ERROR, failure.reason());
    assertEquals(HOST + ": more than 8 CNAMEs from " + server, failure.detail());
    assertEquals(1, dns.queries().size());
  }

  @Test
  void boundsTheQueriesAlongACnameLoopSpreadOverAnswers() {
    dns.on(HOST).cnameOnly("loop.example.com");
    dns.on("loop.example.com").cnameOnly(HOST);

    Failure failure = failed(resolver.resolve(HOST, Deadline.after(BUDGET)));

    assertEquals(Reason.DNS_ERROR, failure.reason());
    assertTrue(failure.detail().contains("more than 8 CNAMEs"), failure.detail());
    assertEquals(9, dns.queries().size());
  }

  @Test
  void fallsBackToTcpWhenTheUdpAnswerIsTruncated() {
    dns.on(HOST).truncateOverUdp().a("10.0.1.23", "10.0.1.24");

    List<InetAddress> addresses = resolved(resolver.resolve(HOST, Deadline.after(BUDGET)));

    assertEquals(List.of("10.0.1.23", "10.0.1.24"), texts(addresses));
    assertEquals(
        List.of(Transport.UDP, Transport.TCP),
        dns.queries().stream().map(Query::transport).toList());
  }

  @Test
  void asksAgainOnEveryCallAndSeesAChangedAnswer() {
    dns.on(HOST).a("10.0.1.23");
    List<InetAddress> first = resolved(resolver.resolve(HOST, Deadline.after(BUDGET)));
    dns.on(HOST).a("10.0.9.99");
    List<InetAddress> second = resolved(resolver.resolve(HOST, Deadline.after(BUDGET)));

    assertEquals(List.of("10.0.1.23"), texts(first));
    assertEquals(List.of("10.0.9.99"), texts(second));
    assertEquals(2, dns.queries(HOST).size());
  }

  @Test
  void givesUpOnADroppedQueryAtTheDeadline() {
    dns.on(HOST).drop();

    long started = System.nanoTime();
    Failure failure = failed(resolver.resolve(HOST, Deadline.after(Duration.ofMillis(300))));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertEquals(Reason.DNS_TIMEOUT, failure.reason());
    assertMatches("{host}: no answer from {server} within (29\\d|30\\d) ms", failure.detail());
    assertTrue(took.toMillis() >= 290 && took.toMillis() < 800, "took " + took);
    // A lost datagram is sent again, within the same budget.
    assertEquals(2, dns.queries().size());
  }

  @Test
  void waitsForASlowAnswerWithinTheDeadline() {
    dns.on(HOST).delay(Duration.ofMillis(300)).a("10.0.1.23");

    List<InetAddress> addresses = resolved(resolver.resolve(HOST, Deadline.after(BUDGET)));

    assertEquals(List.of("10.0.1.23"), texts(addresses));
  }

  @Test
  void reportsAnUnreachableResolverAsATimeoutWithoutWaiting() throws IOException {
    InetSocketAddress nobody = unusedLoopbackPort();
    DnsResolver lonely = new DnsResolver(List.of(nobody));

    long started = System.nanoTime();
    Failure failure = failed(lonely.resolve(HOST, Deadline.after(BUDGET)));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertEquals(
        new Failure(
            Reason.DNS_TIMEOUT,
            HOST + ": " + DnsResolver.format(nobody) + " unreachable (ICMP port unreachable)"),
        failure);
    assertTrue(took.compareTo(BUDGET) < 0, "took " + took);
  }

  @Test
  void asksTheNextServerWhenTheFirstDoesNotAnswer() throws IOException {
    try (DnsTestServer second = DnsTestServer.start()) {
      dns.on(HOST).drop();
      second.on(HOST).a("10.0.1.23");
      DnsResolver both = new DnsResolver(List.of(dns.address(), second.address()));

      long started = System.nanoTime();
      List<InetAddress> addresses = resolved(both.resolve(HOST, Deadline.after(BUDGET)));
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertEquals(List.of("10.0.1.23"), texts(addresses));
      assertEquals(1, dns.queries().size());
      assertEquals(1, second.queries().size());
      // The first server had its share of the budget, not all of it.
      assertTrue(took.compareTo(BUDGET.dividedBy(2)) < 0, "took " + took);
    }
  }

  @Test
  void asksTheNextServerWhenTheFirstIsUnreachable() throws IOException {
    InetSocketAddress nobody = unusedLoopbackPort();
    dns.on(HOST).a("10.0.1.23");
    DnsResolver both = new DnsResolver(List.of(nobody, dns.address()));

    List<InetAddress> addresses = resolved(both.resolve(HOST, Deadline.after(BUDGET)));

    assertEquals(List.of("10.0.1.23"), texts(addresses));
  }

  @Test
  void namesEveryServerAskedWhenNoneAnswers() throws IOException {
    try (DnsTestServer second = DnsTestServer.start()) {
      dns.on(HOST).rcode(Rcode.SERVFAIL);
      second.on(HOST).drop();
      DnsResolver both = new DnsResolver(List.of(dns.address(), second.address()));

      Failure failure = failed(both.resolve(HOST, Deadline.after(Duration.ofMillis(400))));

      // A server that answered at all says more than one that stayed silent.
      assertEquals(Reason.DNS_ERROR, failure.reason());
      assertMatches(
          "{host}: SERVFAIL from {server}; no answer from "
              + Pattern.quote(DnsResolver.format(second.address()))
              + " within \\d+ ms",
          failure.detail());
    }
  }

  @Test
  void stopsAtNxdomainWithoutAskingTheNextServer() throws IOException {
    try (DnsTestServer second = DnsTestServer.start()) {
      dns.on(HOST).nxdomain();
      second.on(HOST).a("10.0.1.23");
      DnsResolver both = new DnsResolver(List.of(dns.address(), second.address()));

      Failure failure = failed(both.resolve(HOST, Deadline.after(BUDGET)));

      assertEquals(Reason.NXDOMAIN, failure.reason());
      assertEquals(0, second.queries().size());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.1.23", "fd00::1", "[fd00::1]"})
  void returnsAnIpLiteralWithoutAnyQuery(String literal) {
    List<InetAddress> addresses = resolved(resolver.resolve(literal, Deadline.after(BUDGET)));

    assertEquals(1, addresses.size());
    assertEquals(ip(literal.replace("[", "").replace("]", "")), addresses.get(0));
    assertEquals(List.of(), dns.queries());
  }

  @Test
  void sendsNothingOnceTheDeadlineHasPassed() {
    dns.on(HOST).a("10.0.1.23");

    Failure failure = failed(resolver.resolve(HOST, Deadline.after(Duration.ZERO)));

    assertEquals(
        new Failure(Reason.DNS_TIMEOUT, HOST + ": no time left to ask " + server), failure);
    assertEquals(List.of(), dns.queries());
  }

  @Test
  void rejectsANameDnsCannotCarry() {
    String tooLong = "a".repeat(64) + ".example.com";

    Failure failure = failed(resolver.resolve(tooLong, Deadline.after(BUDGET)));

    assertEquals(Reason.DNS_ERROR, failure.reason());
    assertTrue(failure.detail().startsWith(tooLong + ": not a valid DNS name"), failure.detail());
    assertEquals(List.of(), dns.queries());
  }

  @Test
  void keepsConcurrentLookupsApart() throws InterruptedException, ExecutionException {
    int count = 200;
    for (int i = 0; i < count; i++) {
      dns.on("t" + i + ".example.com").a("10.0." + (i / 256) + "." + (i % 256));
    }
    List<Future<Resolution>> results = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Deadline deadline = Deadline.after(Duration.ofSeconds(10));
      for (int i = 0; i < count; i++) {
        String host = "t" + i + ".example.com";
        results.add(threads.submit(() -> resolver.resolve(host, deadline)));
      }
    }
    for (int i = 0; i < count; i++) {
      assertEquals(
          List.of("10.0." + (i / 256) + "." + (i % 256)), texts(resolved(results.get(i).get())));
    }
    assertEquals(count, dns.queries().size());
  }

  @Test
  void readsAnUndeclaredFailureAsABadReply() {
    var attempt =
        DnsResolver.classify(
            new ExecutionException(new IllegalStateException("bad label")), Duration.ZERO);

    assertEquals(
        new DnsResolver.BadReply("unreadable reply (java.lang.IllegalStateException: bad label)"),
        attempt);
  }

  private void assertMatches(String expected, String detail) {
    String regex =
        expected.replace("{host}", Pattern.quote(HOST)).replace("{server}", Pattern.quote(server));
    assertTrue(Pattern.matches(regex, detail), "detail \"" + detail + "\" does not match " + regex);
  }

  private static List<InetAddress> resolved(Resolution resolution) {
    return assertInstanceOf(Resolution.Resolved.class, resolution, resolution::toString)
        .addresses();
  }

  private static Failure failed(Resolution resolution) {
    return assertInstanceOf(Resolution.Failed.class, resolution, resolution::toString).failure();
  }

  private static List<String> texts(List<InetAddress> addresses) {
    return addresses.stream().map(InetAddress::getHostAddress).toList();
  }

  private static List<String> names(List<Query> queries) {
    return queries.stream().map(Query::name).toList();
  }

  /** A loopback UDP port nothing listens on: bound for a moment, then released. */
  private static InetSocketAddress unusedLoopbackPort() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
      return new InetSocketAddress(loopback, probe.getLocalPort());
    }
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  @Test
  void aResolverThatWasNotLookedUpIsABug() {
    // Names in DNS_SERVERS are looked up by the wiring, where a failure is a configuration error.
    assertThrows(
        IllegalArgumentException.class,
        () -> new DnsResolver(List.of(InetSocketAddress.createUnresolved("localhost", 53))));
  }
}
