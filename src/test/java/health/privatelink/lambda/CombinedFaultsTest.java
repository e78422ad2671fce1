package health.privatelink.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.privatelink.testing.Blackhole;
import health.privatelink.testing.CloudWatchTestServer;
import health.privatelink.testing.SnsEndpoint;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CloudWatch, SNS and DynamoDB failing together, and a run that starts with its deadline nearly
 * spent: the run ends in time with its report, every data point goes to the API or to an EMF line,
 * and the alert decision is delivered or kept for the next run.
 */
class CombinedFaultsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Two failing targets (NXDOMAIN) and one that passes over plain HTTP. */
  private static String targets(int healthyPort) {
    return "[{\"name\": \"gone-a\", \"url\": \"https://gone-a.example.test/health\"},"
        + " {\"name\": \"gone-b\", \"url\": \"https://gone-b.example.test/health\"},"
        + " {\"name\": \"fine\", \"url\": \"http://"
        + LoopbackFunction.HOST
        + ":"
        + healthyPort
        + "/health\"}]";
  }

  @Test
  void everythingFailingAtOnceStillAccountsForEveryDataPointAndRetriesTheAlert() throws Exception {
    try (var function = new LoopbackFunction();
        var healthy =
            health.privatelink.testing.HttpTestServer.http(
                health.privatelink.testing.HttpTestServer.respond(200, "ok"))) {
      function.cloudWatch.replyAlways(CloudWatchTestServer.Reply.SERVER_ERROR);
      function.sns.replyAlways(SnsEndpoint.Reply.SERVER_ERROR);
      Handler handler =
          function.handler(
              function.env(
                  targets(healthy.port()), Map.of("STATE_TABLE", "privatelink-health-state")));

      long start = System.nanoTime();
      JsonNode report = LoopbackFunction.invoke(handler, "{}", 15_000);
      long tookMs = (System.nanoTime() - start) / 1_000_000;

      assertTrue(tookMs < 15_000, "took " + tookMs + " ms with 15000 ms left");
      assertEquals(2, count(report.get("results"), "healthy", false));
      JsonNode metrics = report.get("published").get("metrics");
      int points = metrics.get("dataPoints").asInt();
      assertTrue(points >= 3 * 2 + 1, metrics.toString());
      assertEquals(0, metrics.get("sentByApi").asInt(), metrics.toString());
      assertEquals(points, metrics.get("writtenAsEmf").asInt(), metrics.toString());
      assertEquals(points, emfDataPoints(function.stdout()), "every data point in an EMF line");
      JsonNode alerts = report.get("published").get("alerts");
      assertEquals("ALARM", alerts.get("state").asText());
      assertEquals("FAILED", alerts.get("delivery").asText(), alerts.toString());
      assertTrue(function.stdout().contains("the next run sends it again"), function.stdout());

      // The dependencies come back: the next run sends the kept alarm and every data point.
      function.cloudWatch.replyAlways(CloudWatchTestServer.Reply.OK);
      function.sns.recover();
      function.clearStdout();
      JsonNode next = LoopbackFunction.invoke(handler, "{}", 15_000);

      JsonNode nextMetrics = next.get("published").get("metrics");
      assertEquals(
          nextMetrics.get("dataPoints").asInt(),
          nextMetrics.get("sentByApi").asInt(),
          nextMetrics.toString());
      assertEquals(0, emfDataPoints(function.stdout()));
      JsonNode nextAlerts = next.get("published").get("alerts");
      assertEquals("ALARM", nextAlerts.get("state").asText(), nextAlerts.toString());
      assertEquals("PUBLISHED", nextAlerts.get("delivery").asText(), nextAlerts.toString());
      assertEquals(List.of("gone-a", "gone-b"), texts(nextAlerts.get("targets")));
      assertEquals(1, function.sns.published().size());
      assertTrue(function.sns.published().getFirst().param("Subject").startsWith("[ALARM]"));
    }
  }

  @Test
  void everythingHangingAtOnceCannotHoldTheRunPastItsDeadline() throws Exception {
    try (var function = new LoopbackFunction();
        var table = new Blackhole();
        var healthy =
            health.privatelink.testing.HttpTestServer.http(
                health.privatelink.testing.HttpTestServer.respond(200, "ok"))) {
      function.cloudWatch.replyAlways(CloudWatchTestServer.Reply.HANG);
      function.sns.replyAlways(SnsEndpoint.Reply.HANG);
      function.dynamoEndpoint = URI.create("http://127.0.0.1:" + table.port());
      Handler handler =
          function.handler(
              function.env(
                  targets(healthy.port()), Map.of("STATE_TABLE", "privatelink-health-state")));

      long start = System.nanoTime();
      JsonNode report = LoopbackFunction.invoke(handler, "{}", 6_000);
      long tookMs = (System.nanoTime() - start) / 1_000_000;

      assertTrue(tookMs < 6_000, "took " + tookMs + " ms with 6000 ms left");
      JsonNode metrics = report.get("published").get("metrics");
      int points = metrics.get("dataPoints").asInt();
      assertEquals(points, metrics.get("writtenAsEmf").asInt(), metrics.toString());
      assertEquals(points, emfDataPoints(function.stdout()));
      JsonNode alerts = report.get("published").get("alerts");
      assertEquals("FAILED", alerts.get("delivery").asText(), alerts.toString());
      assertTrue(function.stdout().contains("the next run sends it again"), function.stdout());
    }
  }

  @Test
  void aRunStartingWithItsDeadlineNearlySpentReturnsInTimeWithItsReport() throws Exception {
    try (var function = new LoopbackFunction();
        var healthy =
            health.privatelink.testing.HttpTestServer.http(
                health.privatelink.testing.HttpTestServer.respond(200, "ok"))) {
      function.cloudWatch.replyAlways(CloudWatchTestServer.Reply.HANG);
      function.sns.replyAlways(SnsEndpoint.Reply.HANG);
      Handler handler = function.handler(function.env(targets(healthy.port()), Map.of()));

      long start = System.nanoTime();
      JsonNode report = LoopbackFunction.invoke(handler, "{}", 300);
      long tookMs = (System.nanoTime() - start) / 1_000_000;

      assertTrue(tookMs < 300, "took " + tookMs + " ms with 300 ms left");
      assertEquals(3, report.get("results").size());
      for (JsonNode result : report.get("results")) {
        assertTrue(result.hasNonNull("reason"), "no time to check: " + result);
        assertEquals(
            "could not diagnose: no time left in the run",
            result.path("diagnosis").asText(),
            "no time to diagnose: " + result);
      }
      JsonNode metrics = report.get("published").get("metrics");
      int points = metrics.get("dataPoints").asInt();
      assertTrue(points > 0, metrics.toString());
      assertEquals(
          points,
          metrics.get("sentByApi").asInt() + metrics.get("writtenAsEmf").asInt(),
          metrics.toString());
      assertEquals(metrics.get("writtenAsEmf").asInt(), emfDataPoints(function.stdout()));
      String delivery = report.get("published").get("alerts").get("delivery").asText();
      assertTrue(List.of("FAILED", "NONE").contains(delivery), delivery);
    }
  }

  /** How many data points the EMF lines in {@code stdout} carry. */
  static int emfDataPoints(String stdout) throws Exception {
    int points = 0;
    for (String line : stdout.lines().toList()) {
      if (!line.startsWith("{\"_aws\"")) {
        continue;
      }
      for (JsonNode directive : JSON.readTree(line).get("_aws").get("CloudWatchMetrics")) {
        points += directive.get("Metrics").size();
      }
    }
    return points;
  }

  private static int count(JsonNode results, String field, boolean value) {
    int n = 0;
    for (JsonNode r : results) {
      n += r.get(field).asBoolean() == value ? 1 : 0;
    }
    return n;
  }

  private static List<String> texts(JsonNode array) {
    return java.util.stream.StreamSupport.stream(array.spliterator(), false)
        .map(JsonNode::asText)
        .toList();
  }
}
