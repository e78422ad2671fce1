package health.privatelink.alert;

import static health.privatelink.testing.TestReports.failed;
import static health.privatelink.testing.TestReports.passed;
import static health.privatelink.testing.TestReports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.privatelink.Deadline;
import health.privatelink.Log;
import health.privatelink.Reason;
import health.privatelink.aws.AwsClients;
import health.privatelink.config.Config;
import health.privatelink.config.ConfigParser;
import health.privatelink.run.Wiring;
import health.privatelink.testing.AwsTestServer.Reply;
import health.privatelink.testing.AwsTestServer.Request;
import health.privatelink.testing.SnsEndpoint;
import health.privatelink.testing.TestAws;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;

/** The alerter with state in memory, publishing through the real SNS client to loopback. */
class AlerterTest {
  static final Instant T0 = Instant.parse("2025-06-03T14:00:00Z");
  static final AlertRules RULES = new AlertRules(2, Duration.ofMinutes(60));
  static final ObjectMapper JSON = new ObjectMapper();

  SnsEndpoint endpoint;
  SnsClient sns;
  ByteArrayOutputStream stdout = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws IOException {
    endpoint = SnsEndpoint.start();
    sns = TestAws.sns(endpoint.uri());
  }

  @AfterEach
  void stop() {
    sns.close();
    endpoint.close();
  }

  PrintStream out() {
    return new PrintStream(stdout, true, StandardCharsets.UTF_8);
  }

  /** Publishing to the loopback topic. */
  Alerter alerter() {
    return new Alerter(
        RULES,
        new MemoryStateStore(),
        new SnsDelivery(TestAws.TOPIC_ARN, () -> sns, new Log(out())),
        out());
  }

  static Instant minute(int m) {
    return T0.plus(Duration.ofMinutes(m));
  }

  List<JsonNode> logLines() throws IOException {
    List<JsonNode> lines = new java.util.ArrayList<>();
    for (String line : stdout.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  @Test
  void publishesOneMessageWithTopicSubjectBodyAndAttributes() {
    Alerter alerter = alerter();
    Runs.alert(
        alerter,
        report(
            minute(0),
            failed("prefect-api", Reason.NXDOMAIN),
            failed("prefect-ui", Reason.NXDOMAIN)),
        Deadline.after(Duration.ofSeconds(5)));
    AlertOutcome outcome =
        Runs.alert(
            alerter,
            report(
                minute(12),
                failed("prefect-api", Reason.NXDOMAIN, "api.private.prefect.cloud: NXDOMAIN"),
                failed("prefect-ui", Reason.NXDOMAIN, "app.private.prefect.cloud: NXDOMAIN")),
            Deadline.after(Duration.ofSeconds(5)));

    assertEquals(
        new AlertOutcome(
            Optional.of(AlertEvent.ALARM),
            List.of("prefect-api", "prefect-ui"),
            AlertOutcome.Delivery.PUBLISHED,
            List.of()),
        outcome);
    assertEquals(1, endpoint.requests().size());
    Map<String, String> form = endpoint.published().get(0).params();
    assertEquals("Publish", form.get("Action"));
    assertEquals(TestAws.TOPIC_ARN, form.get("TopicArn"));
    String subject = form.get("Subject");
    assertEquals("[ALARM] prefect-api NXDOMAIN, prefect-ui NXDOMAIN", subject);
    assertTrue(subject.length() < 100 && subject.chars().allMatch(c -> c >= 0x20 && c < 0x7f));
    String body = form.get("Message");
    for (String expected :
        List.of(
            "[ALARM] prefect-api",
            "[ALARM] prefect-ui",
            "URL: https://prefect-api.private.example.test/health",
            "Reason: NXDOMAIN",
            "Detail: api.private.prefect.cloud: NXDOMAIN",
            "Addresses: none",
            "Timings: dns -, connect -, tls -, first byte -, total 4 ms",
            "failing for 12 min, since 2025-06-03 14:00:00 UTC, 2 failed runs",
            "Hint: " + Reason.NXDOMAIN.hint())) {
      assertTrue(body.contains(expected), () -> "missing <" + expected + "> in:\n" + body);
    }
    assertEquals(
        Map.of(
            "state", List.of("String", "ALARM"),
            "reasons", List.of("String.Array", "[\"NXDOMAIN\"]"),
            "targets", List.of("String.Array", "[\"prefect-api\",\"prefect-ui\"]")),
        SnsEndpoint.attributes(form));
  }

  @Test
  void oneMessagePerTransitionAndNothingElse() {
    Alerter alerter = alerter();
    String[] expected = {"-", "ALARM", "-", "-", "OK", "-"};
    boolean[] fails = {true, true, true, true, false, false};
    for (int i = 0; i < fails.length; i++) {
      AlertOutcome outcome =
          Runs.alert(
              alerter,
              report(minute(i), fails[i] ? failed("a", Reason.TLS_ERROR) : passed("a")),
              Deadline.after(Duration.ofSeconds(5)));
      assertEquals(expected[i], outcome.state().map(Enum::name).orElse("-"), "run " + i);
    }
    List<String> subjects = endpoint.published().stream().map(r -> r.param("Subject")).toList();
    assertEquals(List.of("[ALARM] a TLS_ERROR", "[OK] a"), subjects);
  }

  @Test
  void withoutATopicTheMessageIsOneJsonLogLine() throws IOException {
    Alerter alerter =
        new Alerter(
            new AlertRules(1, Duration.ofMinutes(60)),
            new MemoryStateStore(),
            new LogDelivery(new Log(out())),
            out());
    AlertOutcome outcome =
        Runs.alert(
            alerter,
            report(minute(0), failed("prefect-api", Reason.DNS_TIMEOUT)),
            Deadline.after(Duration.ofSeconds(5)));

    assertEquals(AlertOutcome.Delivery.LOGGED, outcome.delivery());
    assertTrue(outcome.delivered());
    List<JsonNode> alerts =
        logLines().stream().filter(l -> l.path("message").asText().startsWith("alert")).toList();
    assertEquals(1, alerts.size());
    JsonNode line = alerts.get(0);
    assertEquals("ALARM", line.path("state").asText());
    assertEquals("[ALARM] prefect-api DNS_TIMEOUT", line.path("subject").asText());
    assertTrue(line.path("body").asText().contains("Hint: " + Reason.DNS_TIMEOUT.hint()));
    assertEquals("[\"DNS_TIMEOUT\"]", line.path("attributes").path("reasons").asText());
    assertEquals(0, endpoint.requests().size());
  }

  @Test
  void aPublishAnswering500IsRetriedWithinTheDeadline() {
    endpoint.replyNext(Reply.SERVER_ERROR, 2);
    Alerter alerter = alerter();
    Runs.alert(
        alerter,
        report(minute(0), failed("a", Reason.HTTP_STATUS)),
        Deadline.after(Duration.ofSeconds(5)));
    AlertOutcome outcome =
        Runs.alert(
            alerter,
            report(minute(1), failed("a", Reason.HTTP_STATUS)),
            Deadline.after(Duration.ofSeconds(5)));

    assertEquals(AlertOutcome.Delivery.PUBLISHED, outcome.delivery());
    assertEquals(List.of(Reply.SERVER_ERROR, Reply.SERVER_ERROR, Reply.OK), replies());
  }

  @Test
  void aPublishFailingUntilTheDeadlineIsLoggedAndSentByTheNextRun() throws IOException {
    endpoint.replyAlways(Reply.SERVER_ERROR);
    Alerter alerter = alerter();
    Runs.alert(
        alerter,
        report(minute(0), failed("a", Reason.HTTP_STATUS)),
        Deadline.after(Duration.ofSeconds(5)));

    Deadline deadline = Deadline.after(Duration.ofMillis(1500));
    AlertOutcome outcome =
        Runs.alert(alerter, report(minute(1), failed("a", Reason.HTTP_STATUS)), deadline);

    assertFalse(deadline.expired(), "returned after the deadline");
    assertEquals(AlertOutcome.Delivery.FAILED, outcome.delivery());
    assertEquals(Optional.of(AlertEvent.ALARM), outcome.state());
    assertEquals(1, outcome.errors().size(), outcome.errors().toString());
    assertTrue(
        outcome.errors().get(0).startsWith("SNS Publish to " + TestAws.TOPIC_ARN),
        outcome.errors().get(0));
    assertTrue(endpoint.requests().size() >= 2, "retried: " + endpoint.requests().size());
    JsonNode error =
        logLines().stream()
            .filter(l -> l.path("level").asText().equals("ERROR"))
            .findFirst()
            .orElseThrow();
    assertEquals("[\"a\"]", error.path("targets").toString());
    assertTrue(error.path("body").asText().contains("Reason: HTTP_STATUS"));

    endpoint.recover();
    AlertOutcome next =
        Runs.alert(
            alerter,
            report(minute(2), failed("a", Reason.HTTP_STATUS)),
            Deadline.after(Duration.ofSeconds(5)));
    assertEquals(Optional.of(AlertEvent.ALARM), next.state());
    assertEquals(AlertOutcome.Delivery.PUBLISHED, next.delivery());
    AlertOutcome after =
        Runs.alert(
            alerter,
            report(minute(3), failed("a", Reason.HTTP_STATUS)),
            Deadline.after(Duration.ofSeconds(5)));
    assertEquals(AlertOutcome.Delivery.NONE, after.delivery(), "sent once, not again");
    assertEquals(1, endpoint.published().size());
  }

  @Test
  void aHangingSnsEndpointCannotHoldTheRunPastItsDeadline() {
    Alerter alerter = alerter();
    Runs.alert(
        alerter,
        report(minute(0), failed("a", Reason.HTTP_TIMEOUT)),
        Deadline.after(Duration.ofSeconds(5)));
    endpoint.replyAlways(Reply.HANG);

    Deadline deadline = Deadline.after(Duration.ofMillis(1500));
    AlertOutcome outcome =
        Runs.alert(alerter, report(minute(1), failed("a", Reason.HTTP_TIMEOUT)), deadline);

    assertFalse(deadline.expired(), "returned after the deadline");
    assertEquals(AlertOutcome.Delivery.FAILED, outcome.delivery());
    assertEquals(1, outcome.errors().size(), outcome.errors().toString());
    assertFalse(endpoint.requests().isEmpty(), "the request reached the endpoint");
  }

  @Test
  void anExpiredDeadlineSkipsThePublishAndKeepsTheEventForTheNextRun() {
    Alerter alerter = alerter();
    Runs.alert(
        alerter,
        report(minute(0), failed("a", Reason.HTTP_TIMEOUT)),
        Deadline.after(Duration.ofSeconds(5)));
    AlertOutcome late =
        Runs.alert(
            alerter,
            report(minute(1), failed("a", Reason.HTTP_TIMEOUT)),
            Deadline.after(Duration.ZERO));
    assertEquals(AlertOutcome.Delivery.FAILED, late.delivery());
    assertEquals(0, endpoint.requests().size());

    AlertOutcome next =
        Runs.alert(
            alerter,
            report(minute(2), failed("a", Reason.HTTP_TIMEOUT)),
            Deadline.after(Duration.ofSeconds(5)));
    assertEquals(AlertOutcome.Delivery.PUBLISHED, next.delivery());
    assertEquals(Optional.of(AlertEvent.ALARM), next.state());
  }

  @Test
  void productionWiringWithoutTopicOrTableNeedsNoAwsClient() throws IOException {
    Config config =
        ConfigParser.parse(Map.of("ALERT_AFTER_FAILURES", "1", "ALERT_REMINDER_MINUTES", "0"));
    // Every client would go to a closed port: the test fails should one be asked for.
    AwsClients aws = TestAws.clients(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:9"));
    assertInstanceOf(LogDelivery.class, Wiring.delivery(config, aws, out()));
    Alerter alerter = Wiring.alerter(config, aws, out());
    AlertOutcome outcome =
        Runs.alert(
            alerter,
            report(minute(0), failed("prefect-api", Reason.NXDOMAIN)),
            Deadline.after(Duration.ofSeconds(5)));
    assertEquals(AlertOutcome.Delivery.LOGGED, outcome.delivery());
    assertEquals(List.of(), outcome.errors());
    assertEquals(
        AlertOutcome.Delivery.NONE,
        Runs.alert(
                alerter,
                report(minute(90), failed("prefect-api", Reason.NXDOMAIN)),
                Deadline.after(Duration.ofSeconds(5)))
            .delivery(),
        "ALERT_REMINDER_MINUTES=0 never reminds");
  }

  private List<Reply> replies() {
    return endpoint.requests().stream().map(Request::reply).toList();
  }
}
