package health.privatelink.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.privatelink.alert.AlertRules;
import health.privatelink.alert.Alerter;
import health.privatelink.alert.LogDelivery;
import health.privatelink.alert.MemoryStateStore;
import health.privatelink.aws.AwsSettings;
import health.privatelink.check.Checker;
import health.privatelink.config.Config;
import health.privatelink.config.ConfigException;
import health.privatelink.config.ConfigParser;
import health.privatelink.config.MetricsMode;
import health.privatelink.dns.DnsResolver;
import health.privatelink.probe.HttpProber;
import health.privatelink.publish.MetricsPublisher;
import health.privatelink.run.Pipeline;
import health.privatelink.run.Wiring;
import health.privatelink.testing.BadSettings;
import health.privatelink.testing.BrokenTls;
import health.privatelink.testing.DnsTestServer;
import health.privatelink.testing.TestPki;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The handler in process: events in, the report out, metrics as EMF and alerts in the log. */
class HandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DnsTestServer dns;
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final Handler handler;

  HandlerTest() throws Exception {
    dns = DnsTestServer.start();
    dns.on("api.private.prefect.cloud").nxdomain();
    dns.on("app.private.prefect.cloud").nxdomain();
    Config config =
        ConfigParser.parse(
            Map.of(
                "DNS_SERVERS", "127.0.0.1:" + dns.address().getPort(),
                "METRICS_MODE", "emf",
                "ALERT_AFTER_FAILURES", "1"));
    PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
    Checker checker =
        new Checker(
            new DnsResolver(config.dnsServers()),
            new HttpProber(new TestPki().clientSocketFactory(), Clock.systemUTC()),
            Clock.systemUTC());
    MetricsPublisher metrics =
        new MetricsPublisher(
            MetricsMode.EMF,
            config.metricsNamespace(),
            () -> {
              throw new AssertionError("EMF mode never builds a CloudWatch client");
            },
            out,
            new health.privatelink.Log(out));
    Alerter alerter =
        new Alerter(
            AlertRules.from(config),
            new MemoryStateStore(),
            new LogDelivery(new health.privatelink.Log(out)),
            out);
    handler =
        new Handler(
            config,
            new Pipeline(
                checker, health.privatelink.diagnose.Diagnoser.off(), metrics, alerter, out),
            out);
  }

  @AfterEach
  void stopDns() {
    dns.close();
  }

  private JsonNode invoke(String event) throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), output, context(30_000));
    return JSON.readTree(output.toByteArray());
  }

  private String log() {
    return stdout.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aBugInACheckFailsTheInvocationWithItsStackTraceLogged() throws Exception {
    dns.on("api.private.prefect.cloud").a("127.0.0.1");
    // Accepts the TCP connection, so the check reaches the TLS code with the bug.
    java.net.ServerSocket listening =
        new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    Config config =
        ConfigParser.parse(
            Map.of(
                "TARGETS",
                "[{\"name\": \"prefect-api\", \"url\": \"https://api.private.prefect.cloud:"
                    + listening.getLocalPort()
                    + "/api/health\"}]",
                "DNS_SERVERS",
                "127.0.0.1:" + dns.address().getPort(),
                "EXPECTED_CIDRS",
                "127.0.0.0/8",
                "METRICS_MODE",
                "emf"));
    PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
    Handler broken =
        new Handler(
            config, Wiring.pipeline(config, AwsSettings.from(Map.of()), new BrokenTls(), out), out);
    long start = System.nanoTime();

    RuntimeException thrown =
        assertThrows(
            RuntimeException.class,
            () ->
                broken.handleRequest(
                    new ByteArrayInputStream(new byte[0]),
                    new ByteArrayOutputStream(),
                    context(30_000)));

    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMs < 3_000, "the bug surfaced after " + tookMs + " ms");
    assertEquals(BrokenTls.BUG, thrown.getCause().getMessage());
    JsonNode line =
        log()
            .lines()
            .map(l -> {
              try {
                return JSON.readTree(l);
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            })
            .filter(l -> "checker failed".equals(l.path("message").asText()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no 'checker failed' line in\n" + log()));
    assertEquals("ERROR", line.get("level").asText());
    assertTrue(line.get("stackTrace").asText().contains(BrokenTls.BUG), line.toString());
    assertTrue(
        line.get("stackTrace").asText().contains("\tat health.privatelink."), line.toString());
    assertFalse(log().contains("target unhealthy"), "a bug is not a target failure");
    listening.close();
  }

  @Test
  void scheduledEventChecksTheConfiguredTargetsAndPublishes() throws Exception {
    JsonNode report = invoke(Files.readString(Path.of("events", "scheduled.json")));

    assertFalse(report.get("healthy").asBoolean());
    assertEquals(2, report.get("results").size());
    assertEquals("prefect-api", report.get("results").get(0).get("target").asText());
    assertEquals("NXDOMAIN", report.get("results").get(0).get("reason").asText());
    JsonNode metrics = report.get("published").get("metrics");
    assertEquals("emf", metrics.get("mode").asText());
    assertTrue(metrics.get("writtenAsEmf").asInt() > 0, metrics.toString());
    assertEquals(metrics.get("dataPoints").asInt(), metrics.get("writtenAsEmf").asInt());
    JsonNode alerts = report.get("published").get("alerts");
    assertEquals("ALARM", alerts.get("state").asText());
    assertEquals("LOGGED", alerts.get("delivery").asText());
    List<String> lines = log().lines().toList();
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("{\"_aws\"")), log());
    assertTrue(
        lines.stream()
            .anyMatch(
                l -> l.contains("\"message\":\"target unhealthy\"") && l.contains("NXDOMAIN")),
        log());
    for (String line : lines) {
      JSON.readTree(line); // every line on standard output is one JSON object
    }
    assertTrue(
        lines.stream()
            .anyMatch(l ->
                l.contains("\"message\":\"scheduled invocation\"")
                    && l.contains("\"eventId\":\"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa\"")
                    && l.contains("\"eventTime\":\"2025-01-15T12:00:00Z\"")),
        log());
  }

  @Test
  void emptyOrConsoleTestEventsRunTheScheduledCheck() throws Exception {
    assertEquals(2, invoke("").get("results").size());
    assertEquals(2, invoke("{}").get("results").size());
  }

  @Test
  void anEventThatIsNoObjectIsTheScheduledRun() throws Exception {
    for (String event : List.of("null", "[1]", "\"run\"", "42", "true")) {
      JsonNode report = invoke(event);
      assertFalse(report.has("error"), event + " answered " + report);
      assertEquals(2, report.get("results").size(), event + " answered " + report);
    }
  }

  @Test
  void manualTargetsAreCheckedOnceWithoutPublishing() throws Exception {
    dns.on("other.example.test").rcode(5);
    JsonNode report =
        invoke("{\"targets\": [{\"name\": \"other\", \"url\": \"https://other.example.test/\"}]}");
    assertEquals(1, report.get("results").size());
    assertEquals("DNS_ERROR", report.get("results").get(0).get("reason").asText());
    assertTrue(report.get("published").isNull());
    assertFalse(log().contains("{\"_aws\""), "no metrics for a manual check");
  }

  @Test
  void manualTargetsMayAskToPublish() throws Exception {
    dns.on("other.example.test").rcode(5);
    JsonNode report =
        invoke(
            "{\"targets\": [{\"name\": \"other\", \"url\": \"https://other.example.test/\"}],"
                + " \"publish\": true}");
    assertEquals("emf", report.get("published").get("metrics").get("mode").asText());
  }

  @Test
  void badEventsAreAnsweredNamingWhatIsWrong() throws Exception {
    record Bad(String event, String message) {}
    for (Bad bad :
        List.of(
            new Bad("{\"targets\": []}", "targets must list at least one target, got []"),
            new Bad(
                "{\"targets\": [{\"name\": \"a\"}], \"extra\": 1}",
                "the event has unknown key \"extra\"; a manual invocation allows: targets, publish"),
            new Bad(
                "{\"targets\": [{\"name\": \"a\", \"url\": \"https://a.example/\"}], \"publish\": \"yes\"}",
                "the event's publish must be true or false, got \"yes\""),
            new Bad(
                "{\"targets\": [{\"name\": \"a\", \"url\": \"https://a.example/\","
                    + " \"expectedCidrs\": [\"bogus\"]}]}",
                "targets[0].expectedCidrs"),
            new Bad("{\"targets\": ", "the event is not valid JSON: Unexpected end-of-input"))) {
      JsonNode answer = invoke(bad.event());
      List<String> fields = new ArrayList<>();
      answer.fieldNames().forEachRemaining(fields::add);
      assertEquals(List.of("error"), fields, answer.toString());
      String error = answer.get("error").asText();
      assertTrue(error.startsWith(bad.message()), error);
      assertFalse(error.contains("\n"), "one line: " + error);
    }
    assertFalse(log().contains("\"message\":\"check finished\""), "nothing was checked");
    assertTrue(log().contains("\"level\":\"WARN\""), log());
  }

  @Test
  void aTestAlertSendsOneTestMessageAndChecksNothing() throws Exception {
    JsonNode answer = invoke(Files.readString(Path.of("events", "test-alert.json")));

    List<String> fields = new ArrayList<>();
    answer.fieldNames().forEachRemaining(fields::add);
    assertEquals(List.of("testAlert"), fields, answer.toString());
    JsonNode sent = answer.get("testAlert");
    // No topic in this handler: the message goes to the log, which counts as delivered.
    assertEquals("LOGGED", sent.get("delivery").asText(), answer.toString());
    assertTrue(sent.get("subject").asText().startsWith("[TEST] "), answer.toString());
    assertTrue(sent.get("messageId").isNull(), answer.toString());
    assertTrue(sent.get("error").isNull(), answer.toString());
    assertTrue(log().contains("\"state\":\"TEST\""), log());
    assertFalse(log().contains("\"message\":\"check finished\""), "nothing was checked");
    assertEquals(0, dns.queries().size(), "nothing was resolved");

    // It touched no alert state: the first scheduled run after it alerts as if it never happened.
    JsonNode report = invoke("{}");
    assertEquals("ALARM", report.get("published").get("alerts").get("state").asText());
  }

  @Test
  void badTestAlertsAreAnsweredNamingTheField() throws Exception {
    Map<String, String> bad =
        Map.of(
            "{\"testAlert\": false}", "the event's testAlert must be true, got false",
            "{\"testAlert\": \"yes\"}", "the event's testAlert must be true, got \"yes\"",
            "{\"testAlert\": true, \"targets\": []}",
                "the event has both \"targets\" and \"testAlert\"",
            "{\"testAlert\": true, \"publish\": true}",
                "the event has unknown key \"publish\"; a test alert allows only: testAlert");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      JsonNode answer = invoke(e.getKey());
      List<String> fields = new ArrayList<>();
      answer.fieldNames().forEachRemaining(fields::add);
      assertEquals(List.of("error"), fields, e.getKey() + " -> " + answer);
      assertTrue(answer.get("error").asText().startsWith(e.getValue()), answer.toString());
    }
    assertFalse(log().contains("\"state\":\"TEST\""), "no test message was sent: " + log());
  }

  @Test
  void aSilenceIsSetListedAndClearedWithoutCheckingAnythingAndHoldsTheAlarm() throws Exception {
    JsonNode set = invoke(Files.readString(Path.of("events", "silence.json")));

    JsonNode silences = set.get("silences");
    assertEquals(1, silences.size(), set.toString());
    assertEquals("prefect-api", silences.get(0).get("target").asText(), set.toString());
    assertEquals(
        "Prefect Cloud maintenance window", silences.get(0).get("reason").asText(), set.toString());
    assertFalse(log().contains("\"message\":\"check finished\""), "nothing was checked");
    assertEquals(0, dns.queries().size(), "nothing was resolved");
    assertEquals(set, invoke("{\"silence\": {\"list\": true}}"));

    // The first run is still the process's first: a silence request is not a check run.
    JsonNode report = invoke("{}");
    assertTrue(report.get("coldStart").asBoolean(), report.toString());
    JsonNode api = report.get("results").get(0);
    assertFalse(api.get("healthy").asBoolean(), "a silence changes alerting only: " + api);
    assertEquals("Prefect Cloud maintenance window", api.get("silenced").get("reason").asText());
    assertTrue(report.get("results").get(1).get("silenced").isNull(), report.toString());
    assertEquals(
        List.of("prefect-ui"),
        JSON.convertValue(
            report.get("published").get("alerts").get("targets"),
            new com.fasterxml.jackson.core.type.TypeReference<List<String>>() {}),
        "the silenced target's alarm is held: " + report);

    // A check that publishes nothing still shows the silence.
    JsonNode manual =
        invoke(
            "{\"targets\": [{\"name\": \"prefect-api\","
                + " \"url\": \"https://api.private.prefect.cloud/api/health\"}]}");
    assertTrue(manual.get("published").isNull(), manual.toString());
    assertEquals(
        "Prefect Cloud maintenance window",
        manual.get("results").get(0).get("silenced").get("reason").asText(),
        manual.toString());

    JsonNode cleared = invoke("{\"silence\": {\"clear\": [\"prefect-api\"]}}");
    assertEquals(0, cleared.get("silences").size(), cleared.toString());
  }

  @Test
  void badSilencesAreAnsweredNamingTheField() throws Exception {
    Map<String, String> bad =
        Map.of(
            "{\"silence\": {\"targets\": [\"nope\"], \"minutes\": 10, \"reason\": \"x\"}}",
                "silence.targets[0]",
            "{\"silence\": {\"targets\": [\"prefect-api\"], \"minutes\": 10081, \"reason\": \"x\"}}",
                "silence.minutes must be",
            "{\"silence\": {\"targets\": [\"prefect-api\"], \"minutes\": 10}}", "silence.reason",
            "{\"silence\": {\"list\": true}, \"targets\": []}", "the event has both");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      JsonNode answer = invoke(e.getKey());
      List<String> fields = new ArrayList<>();
      answer.fieldNames().forEachRemaining(fields::add);
      assertEquals(List.of("error"), fields, e.getKey() + " -> " + answer);
      assertTrue(answer.get("error").asText().startsWith(e.getValue()), answer.toString());
    }
    assertEquals(0, invoke("{\"silence\": {\"list\": true}}").get("silences").size());
  }

  @Test
  void theOriginNamesTheFunctionAndItsRegion() {
    assertEquals(
        "plh-CheckerFunction-AbC in eu-west-1",
        Handler.origin(
            Map.of(
                "AWS_LAMBDA_FUNCTION_NAME", "plh-CheckerFunction-AbC", "AWS_REGION", "eu-west-1")));
    assertEquals("privatelink-health", Handler.origin(Map.of()));
    // The longest name and region still fit the subject whole.
    String longest = "a".repeat(64) + " in ap-southeast-5";
    String subject =
        health.privatelink.alert.AlertMessage.test(longest, java.time.Instant.now()).subject();
    assertTrue(subject.startsWith("[TEST] " + longest + ":"), subject);
    assertTrue(subject.length() <= health.privatelink.alert.AlertMessage.MAX_SUBJECT, subject);
  }

  @Test
  void everyBadVariableFailsTheInitNamingIt() {
    for (Map.Entry<String, String> bad : BadSettings.all().entrySet()) {
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () ->
                  new Handler(
                      Map.of(bad.getKey(), bad.getValue()),
                      new PrintStream(output, true, StandardCharsets.UTF_8)),
              bad.getKey());
      assertTrue(e.getMessage().startsWith(bad.getKey()), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
  }

  @Test
  void theContextsRemainingTimeBoundsTheRun() throws Exception {
    dns.on("api.private.prefect.cloud").drop();
    dns.on("app.private.prefect.cloud").drop();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Context context = context(1500);
    long start = System.nanoTime();
    handler.handleRequest(
        new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), output, context);
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMs < 1500, "took " + tookMs + " ms with 1500 ms left");
    JsonNode report = JSON.readTree(output.toByteArray());
    assertEquals("DNS_TIMEOUT", report.get("results").get(0).get("reason").asText());
  }

  /**
   * A Lambda context whose deadline is {@code remainingMillis} from its creation: the handler reads
   * only the time left, which a mock answers from the clock on every call.
   */
  static Context context(long remainingMillis) {
    long deadline = System.currentTimeMillis() + remainingMillis;
    Context context = mock(Context.class);
    when(context.getRemainingTimeInMillis())
        .thenAnswer(call -> (int) Math.max(0, deadline - System.currentTimeMillis()));
    when(context.getAwsRequestId()).thenReturn("test-request");
    return context;
  }
}
