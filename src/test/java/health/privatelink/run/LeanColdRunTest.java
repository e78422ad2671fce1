package health.privatelink.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.privatelink.Deadline;
import health.privatelink.Log;
import health.privatelink.check.Report;
import health.privatelink.config.MetricsDetail;
import health.privatelink.config.MetricsMode;
import health.privatelink.publish.MetricsPublisher;
import health.privatelink.testing.TestReports;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A cold run in {@code lean}: the logged timings follow the metrics' rule and leave the phases out,
 * because publishing is handed the report without them.
 */
class LeanColdRunTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aColdRunsLoggedTimingsKeepOnlyTheTotal() throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    PrintStream stdout = new PrintStream(output, true, StandardCharsets.UTF_8);
    MetricsPublisher publisher =
        new MetricsPublisher(
            MetricsMode.EMF,
            MetricsDetail.LEAN,
            "Test/PrivateLinkHealth",
            () -> {
              throw new AssertionError("EMF mode never builds a CloudWatch client");
            },
            stdout,
            new Log(stdout));
    Report warm = TestReports.report(TestReports.healthy("prefect-api"));

    publisher.publish(Pipeline.withoutPhaseTimings(warm), Deadline.after(Duration.ofSeconds(5)));
    publisher.publish(warm, Deadline.after(Duration.ofSeconds(5)));

    String[] lines = output.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(4, lines.length, "a target line and a run line per run");
    JsonNode cold = JSON.readTree(lines[0]);
    assertEquals(
        JSON.readTree(
            "{\"dnsMs\":null,\"connectMs\":null,\"tlsMs\":null,\"ttfbMs\":null,\"totalMs\":47}"),
        cold.get("timings"));
    assertEquals(300, cold.get("certificateDaysRemaining").asInt());
    assertEquals(
        JSON.readTree("{\"dnsMs\":2,\"connectMs\":2,\"tlsMs\":12,\"ttfbMs\":31,\"totalMs\":47}"),
        JSON.readTree(lines[2]).get("timings"));
  }
}
