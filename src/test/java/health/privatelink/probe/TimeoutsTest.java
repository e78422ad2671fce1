package health.privatelink.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import health.privatelink.Deadline;
import health.privatelink.Failure;
import health.privatelink.Reason;
import health.privatelink.config.Target;
import health.privatelink.testing.Blackhole;
import health.privatelink.testing.HttpTestServer;
import health.privatelink.testing.TestPki;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * One outage reads one way: the probe noticing its own deadline, the probe stopped by the
 * orchestrator's abort, and the orchestrator giving up on a probe that did not come back (which
 * words the failure from the trace alone) all give the same reason and detail for the same phase.
 */
class TimeoutsTest {
  private static final String HOST = "api.private.example.test";
  private static final TestPki PKI = new TestPki();
  private static final SSLContext GOOD = TestPki.serverContext(PKI.server(30, HOST));
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private final HttpProber prober = new HttpProber(PKI.clientSocketFactory(), Clock.systemUTC());

  /** The prober's own timeout and its abort, each against what the orchestrator would write. */
  private void assertOneWording(Target target, Reason reason, String detail) throws Exception {
    Trace own = new Trace();
    Failure byProbe =
        prober.probe(target, LOOPBACK, Deadline.after(target.timeout()), own).failure().get();
    assertEquals(new Failure(reason, detail), byProbe);
    assertEquals(byProbe, Timeouts.of(target, own), "the orchestrator's wording");

    Trace aborted = new Trace();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try {
      timer.schedule(aborted::abort, target.timeout().toMillis() / 2, TimeUnit.MILLISECONDS);
      Failure byAbort =
          prober
              .probe(target, LOOPBACK, Deadline.after(target.timeout().multipliedBy(4)), aborted)
              .failure()
              .get();
      assertEquals(byProbe, byAbort, "the probe stopped by the orchestrator");
      assertEquals(byProbe, Timeouts.of(target, aborted), "the orchestrator after its abort");
    } finally {
      timer.shutdownNow();
    }
  }

  @Test
  void noTcpAnswerReadsTheSameOnEitherSideOfTheAbort() throws Exception {
    try (Blackhole hole = new Blackhole()) {
      assertOneWording(
          HttpProberTest.target("https", hole.port(), "/", Optional.empty(), 400),
          Reason.CONNECT_TIMEOUT,
          "no TCP answer from 127.0.0.1:" + hole.port() + " (" + HOST + ") within 400 ms");
    }
  }

  @Test
  void aStalledHandshakeReadsTheSameOnEitherSideOfTheAbort() throws Exception {
    try (var server = HttpTestServer.https(GOOD, HttpTestServer.silent())) {
      assertOneWording(
          HttpProberTest.target("https", server.port(), "/", Optional.empty(), 400),
          Reason.HTTP_TIMEOUT,
          "connected to 127.0.0.1:"
              + server.port()
              + " but the TLS handshake did not complete within 400 ms");
    }
  }

  @Test
  void noCompleteResponseReadsTheSameOnEitherSideOfTheAbort() throws Exception {
    try (var server = HttpTestServer.https(GOOD, HttpTestServer.neverAnswer())) {
      assertOneWording(
          HttpProberTest.target("https", server.port(), "/", Optional.empty(), 400),
          Reason.HTTP_TIMEOUT,
          "connected to 127.0.0.1:"
              + server.port()
              + " but no complete HTTP response within 400 ms");
    }
  }

  @Test
  void aCheckStillResolvingIsADnsTimeout() {
    Trace trace = new Trace();
    trace.dnsStarted();
    assertEquals(
        new Failure(Reason.DNS_TIMEOUT, "no DNS answer for " + HOST + " within 400 ms"),
        Timeouts.of(HttpProberTest.target("https", 443, "/", Optional.empty(), 400), trace));
  }
}
