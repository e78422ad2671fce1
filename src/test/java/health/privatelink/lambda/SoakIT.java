package health.privatelink.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.UnixOperatingSystemMXBean;
import health.privatelink.testing.HttpTestServer;
import health.privatelink.testing.TestPki;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One process, 1,000 warm runs of the whole function in a row, as Lambda reuses an execution
 * environment: threads, open file descriptors and heap stay flat.
 */
class SoakIT {
  private static final int WARM_UP = 50;
  private static final int RUNS = 1000;
  private static final Duration AT_MOST = Duration.ofSeconds(90);

  @Test
  void aThousandWarmRunsLeaveThreadsFileDescriptorsAndHeapFlat() throws Exception {
    try (var function = new LoopbackFunction();
        var server =
            HttpTestServer.https(
                TestPki.serverContext(function.pki.server(30, LoopbackFunction.HOST)),
                HttpTestServer.respond(200, "{\"status\":\"ok\"}"))) {
      function.dns.on("gone.example.test").nxdomain();
      String targets =
          "[{\"name\": \"api\", \"url\": \"https://"
              + LoopbackFunction.HOST
              + ":"
              + server.port()
              + "/health\", \"bodyContains\": \"ok\"},"
              + " {\"name\": \"gone\", \"url\": \"https://gone.example.test/health\"}]";
      Handler handler = function.handler(function.env(targets, Map.of()));

      for (int i = 0; i < WARM_UP; i++) {
        run(function, handler);
      }
      assertEquals(WARM_UP, function.cloudWatch.putMetricDataCalls().size(), "one call per run");
      function.cloudWatch.forgetRequests();
      Sample before = Sample.take();
      long start = System.nanoTime();
      for (int i = 0; i < RUNS; i++) {
        run(function, handler);
        assertTrue(
            System.nanoTime() - start < AT_MOST.toNanos(),
            "only " + i + " runs within " + AT_MOST.toSeconds() + " s");
      }
      assertEquals(RUNS, function.cloudWatch.putMetricDataCalls().size(), "one call per run");
      function.cloudWatch.forgetRequests();
      Sample after = Sample.take();
      System.out.printf(
          "SoakIT: %d runs in %d ms; before %s, after %s%n",
          RUNS, (System.nanoTime() - start) / 1_000_000, before, after);

      assertTrue(after.threads() <= before.threads() + 5, before + " -> " + after);
      assertTrue(after.fileDescriptors() <= before.fileDescriptors() + 10, before + " -> " + after);
      // The loopback HTTPS and DNS servers keep a line per request: well under a MiB.
      assertTrue(after.heap() <= before.heap() + 8L * 1024 * 1024, before + " -> " + after);
      assertEquals(1, function.sns.published().size(), "one alarm, no repeats within the hour");
    }
  }

  private static void run(LoopbackFunction function, Handler handler) throws Exception {
    JsonNode report = LoopbackFunction.invoke(handler, "{}", 20_000);
    assertTrue(report.get("results").get(0).get("healthy").asBoolean(), report.toString());
    assertEquals("NXDOMAIN", report.get("results").get(1).get("reason").asText());
    function.clearStdout();
  }

  /** What the process holds at one moment; the heap measured after collecting garbage. */
  record Sample(int threads, long fileDescriptors, long heap) {
    static Sample take() throws InterruptedException {
      // Let finished virtual threads and closed sockets settle before counting.
      Thread.sleep(500);
      for (int i = 0; i < 3; i++) {
        System.gc();
      }
      var os = (UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      return new Sample(
          ManagementFactory.getThreadMXBean().getThreadCount(),
          os.getOpenFileDescriptorCount(),
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    @Override
    public String toString() {
      return threads
          + " threads, "
          + fileDescriptors
          + " file descriptors, "
          + heap / (1024 * 1024)
          + " MiB heap";
    }
  }
}
