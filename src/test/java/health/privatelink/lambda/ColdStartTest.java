package health.privatelink.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.privatelink.prime.Primer;
import health.privatelink.testing.DnsTestServer;
import health.privatelink.testing.HttpTestServer;
import health.privatelink.testing.TestPki;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The first run of a handler is a cold start, and its init primes without sending or printing. */
class ColdStartTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOST = "api.private.prefect.cloud";

  private final DnsTestServer dns = DnsTestServer.started();
  private final HttpTestServer https =
      HttpTestServer.https(
          TestPki.serverContext(new TestPki().server(90, HOST)), HttpTestServer.respond(200, "ok"));
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

  ColdStartTest() throws Exception {}

  @AfterEach
  void stop() throws Exception {
    https.close();
    dns.close();
  }

  private Handler handler() {
    dns.on(HOST).a("127.0.0.1");
    return new Handler(
        Map.of(
            "TARGETS",
            "[{\"name\": \"prefect-api\", \"url\": \"https://"
                + HOST
                + ":"
                + https.port()
                + "/\"}]",
            "EXPECTED_CIDRS",
            "127.0.0.0/8",
            "DNS_SERVERS",
            "127.0.0.1:" + dns.address().getPort(),
            "METRICS_MODE",
            "emf",
            "DEFAULT_TIMEOUT_MS",
            "3000"),
        new PrintStream(stdout, true, StandardCharsets.UTF_8));
  }

  private JsonNode invoke(Handler handler) throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(new byte[0]), output, HandlerTest.context(30_000));
    return JSON.readTree(output.toByteArray());
  }

  private List<JsonNode> lines() throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : stdout.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    stdout.reset();
    return lines;
  }

  private static JsonNode line(List<JsonNode> lines, String message) {
    return lines.stream()
        .filter(l -> message.equals(l.path("message").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + message + " line in " + lines));
  }

  private static boolean emfDeclares(List<JsonNode> lines, String metric) {
    return lines.stream()
        .filter(l -> l.has("_aws"))
        .flatMap(l -> l.path("_aws").path("CloudWatchMetrics").valueStream())
        .flatMap(d -> d.path("Metrics").valueStream())
        .anyMatch(m -> metric.equals(m.path("Name").asText()));
  }

  @Test
  void theFirstRunIsAColdStartAndTheSecondIsNot() throws Exception {
    Handler handler = handler();
    lines();

    JsonNode first = invoke(handler);
    List<JsonNode> firstLines = lines();
    JsonNode second = invoke(handler);
    List<JsonNode> secondLines = lines();

    assertTrue(first.get("coldStart").asBoolean(), first.toString());
    assertFalse(second.get("coldStart").asBoolean(), second.toString());
    assertTrue(line(firstLines, "check finished").get("coldStart").asBoolean());
    assertFalse(line(secondLines, "check finished").get("coldStart").asBoolean());
    // The key sits between the results and what was published, as the contract shows it.
    List<String> keys = new ArrayList<>();
    first.fieldNames().forEachRemaining(keys::add);
    assertEquals(
        List.of("healthy", "startedAt", "durationMs", "results", "coldStart", "published"), keys);
  }

  @Test
  void aColdStartsPhaseTimingsStayInTheReportButNotInTheMetrics() throws Exception {
    Handler handler = handler();
    lines();

    JsonNode first = invoke(handler);
    List<JsonNode> firstLines = lines();
    invoke(handler);
    List<JsonNode> secondLines = lines();

    // The JVM's trust store does not trust the test CA: DNS and connect complete, TLS fails.
    JsonNode timings = first.get("results").get(0).get("timings");
    assertTrue(timings.get("dnsMs").isNumber(), timings.toString());
    assertTrue(timings.get("connectMs").isNumber(), timings.toString());
    for (String phase : List.of("DnsLookupTime", "ConnectTime")) {
      assertFalse(emfDeclares(firstLines, phase), phase + " in " + firstLines);
      assertTrue(emfDeclares(secondLines, phase), phase + " missing from " + secondLines);
    }
    assertTrue(emfDeclares(firstLines, "Duration"), firstLines.toString());
    assertTrue(emfDeclares(firstLines, "HealthCheckStatus"), firstLines.toString());
  }

  @Test
  void primingSendsNothingToTheConfiguredServersAndPrintsNothing() throws Exception {
    PrintStream realOut = System.out;
    PrintStream realErr = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
      handler(); // init: wiring and priming, once per process
      Primer.prime(); // and again, whatever an earlier test in this JVM already primed
    } finally {
      System.setOut(realOut);
      System.setErr(realErr);
    }

    assertEquals(List.of(), dns.queries());
    assertEquals(0, https.connections());
    assertEquals("", printed.toString(StandardCharsets.UTF_8));
    assertEquals("", stdout.toString(StandardCharsets.UTF_8));
  }
}
