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
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * Load: 500 targets in one run, over DNS and HTTPS on loopback, some slow and some hung, within the
 * Lambda's deadline and its memory size.
 */
class LoadIT {
  /** The function's timeout and memory size in template.yaml. */
  private static final Duration LAMBDA_TIMEOUT = Duration.ofSeconds(50);

  private static final long MEMORY_SIZE = 512L * 1024 * 1024;

  private static final int TARGETS = 500;
  private static final int SLOW = 40;
  private static final int HUNG = 10;

  @Test
  void fiveHundredTargetsInOneRunWithinTheDeadlineAndTheMemorySize() throws Exception {
    TestPki pki = new TestPki();
    SSLContext tls = TestPki.serverContext(pki.server(90, "*.load.example.test"));
    List<HttpTestServer> healthy = new ArrayList<>();
    try (DnsTestServer dns = DnsTestServer.start();
        HttpTestServer slow = HttpTestServer.https(tls, HttpTestServer.delayed(1500, 200, "ok"));
        HttpTestServer hung = HttpTestServer.https(tls, HttpTestServer.neverAnswer())) {
      for (int i = 0; i < 4; i++) {
        healthy.add(HttpTestServer.https(tls, HttpTestServer.respond(200, "{\"status\":\"ok\"}")));
      }
      List<Target> targets = new ArrayList<>();
      for (int i = 0; i < TARGETS; i++) {
        String host = "t" + i + ".load.example.test";
        dns.on(host).a("127.0.0.1");
        HttpTestServer server =
            i < HUNG ? hung : i < HUNG + SLOW ? slow : healthy.get(i % healthy.size());
        targets.add(
            new Target(
                "t" + i,
                URI.create("https://" + host + ":" + server.port() + "/health"),
                Set.of(200),
                Duration.ofMillis(i < HUNG ? 3000 : 15_000),
                Optional.empty(),
                List.of(Cidr.parse("127.0.0.0/8")),
                true));
      }
      Checker checker =
          new Checker(
              new DnsResolver(List.of(dns.address())),
              new HttpProber(pki.clientSocketFactory(), Clock.systemUTC()),
              Clock.systemUTC());
      // As the handler gives it: the Lambda's time less the handler's margin and the publishing
      // reserve.
      Deadline deadline = Deadline.after(LAMBDA_TIMEOUT.minusSeconds(4));

      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      heapUsedAfterGc();
      AtomicLong peak = new AtomicLong();
      Thread sampler =
          Thread.ofPlatform()
              .daemon()
              .start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                  peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                  try {
                    Thread.sleep(20);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      long start = System.nanoTime();
      Report report = checker.run(targets, deadline);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      sampler.interrupt();
      sampler.join();
      long heapAfterGc = heapUsedAfterGc();

      assertEquals(TARGETS, report.results().size());
      Map<Optional<Reason>, Long> byReason =
          report.results().stream()
              .collect(
                  Collectors.groupingBy(
                      r -> r.failure().map(f -> f.reason()), Collectors.counting()));
      assertEquals(
          Map.of(
              Optional.empty(),
              (long) (TARGETS - HUNG),
              Optional.of(Reason.HTTP_TIMEOUT),
              (long) HUNG),
          byReason,
          () ->
              report.results().stream()
                  .filter(r -> !r.healthy() && !r.target().name().matches("t[0-9]"))
                  .limit(5)
                  .map(r -> r.target().name() + ": " + r.failure().orElseThrow())
                  .toList()
                  .toString());
      assertTrue(
          took.compareTo(LAMBDA_TIMEOUT.minusSeconds(4)) < 0, "took " + took.toMillis() + " ms");
      assertTrue(
          heapAfterGc < MEMORY_SIZE / 2,
          "heap used after GC "
              + heapAfterGc / (1024 * 1024)
              + " MiB of "
              + MEMORY_SIZE / (1024 * 1024));
      assertTrue(
          peak.get() < MEMORY_SIZE,
          "heap used peaked at " + peak.get() / (1024 * 1024) + " MiB, garbage included");
      System.out.printf(
          "LoadIT: %d targets in %d ms, heap peak %d MiB, after GC %d MiB%n",
          TARGETS, took.toMillis(), peak.get() / (1024 * 1024), heapAfterGc / (1024 * 1024));
      assertEquals(
          TARGETS - HUNG - SLOW,
          healthy.stream().mapToInt(HttpTestServer::connections).sum(),
          "one connection per healthy target");
    } finally {
      for (HttpTestServer server : healthy) {
        server.close();
      }
    }
  }

  static long heapUsedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
