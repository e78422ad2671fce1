package health.privatelink.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import health.privatelink.BadInputException;
import health.privatelink.Json;
import health.privatelink.Reason;
import health.privatelink.check.Silence;
import health.privatelink.check.TargetResult;
import health.privatelink.testing.TestReports;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code silence} request: one case per error with its exact message, and the report key. */
class SilenceRequestTest {
  static final List<String> CONFIGURED = List.of("prefect-api", "prefect-ui");

  static Stream<Arguments> badRequests() {
    String reason201 = "x".repeat(201);
    return Stream.of(
        Arguments.of(
            "[]", "silence must be an object with one of targets, list or clear, got an array"),
        Arguments.of(
            "{\"list\": true, \"until\": 3}",
            "silence has unknown key \"until\"; allowed: targets, minutes, reason, list, clear"),
        Arguments.of("{}", "silence must have exactly one of targets, list or clear, got none"),
        Arguments.of(
            "{\"list\": true, \"clear\": [\"prefect-api\"]}",
            "silence must have exactly one of targets, list or clear, got list and clear"),
        Arguments.of("{\"list\": false}", "silence.list must be true, got false"),
        Arguments.of(
            "{\"list\": true, \"reason\": \"r\"}",
            "silence.reason goes only with silence.targets, not with silence.list"),
        Arguments.of(
            "{\"clear\": \"prefect-api\"}",
            "silence.clear must be a non-empty array of target names, got \"prefect-api\""),
        Arguments.of(
            "{\"targets\": [], \"minutes\": 5, \"reason\": \"r\"}",
            "silence.targets must be a non-empty array of target names, got an array"),
        Arguments.of(
            "{\"targets\": [7], \"minutes\": 5, \"reason\": \"r\"}",
            "silence.targets[0] must be a target name, got 7"),
        Arguments.of(
            "{\"targets\": [\"prefect-api\"], \"reason\": \"r\"}",
            "silence.minutes is required: 1..10080"),
        Arguments.of(
            "{\"targets\": [\"prefect-api\"], \"minutes\": 1.5, \"reason\": \"r\"}",
            "silence.minutes must be a whole number 1..10080, got 1.5"),
        Arguments.of(
            "{\"targets\": [\"prefect-api\"], \"minutes\": 0, \"reason\": \"r\"}",
            "silence.minutes must be 1..10080 (7 days at most), got 0"),
        Arguments.of(
            "{\"targets\": [\"prefect-api\"], \"minutes\": 10081, \"reason\": \"r\"}",
            "silence.minutes must be 1..10080 (7 days at most), got 10081"),
        Arguments.of(
            "{\"targets\": [\"prefect-api\"], \"minutes\": 5}",
            "silence.reason is required: 1..200 characters"),
        Arguments.of(
            "{\"targets\": [\"prefect-api\"], \"minutes\": 5, \"reason\": 3}",
            "silence.reason must be text of 1..200 characters, got 3"),
        Arguments.of(
            "{\"targets\": [\"prefect-api\"], \"minutes\": 5, \"reason\": \"  \"}",
            "silence.reason must be text of 1..200 characters, got blank text"),
        Arguments.of(
            "{\"targets\": [\"prefect-api\"], \"minutes\": 5, \"reason\": \"" + reason201 + "\"}",
            "silence.reason must be text of 1..200 characters, got 201 characters"),
        Arguments.of(
            "{\"targets\": [\"prefect-api\", \"nope\"], \"minutes\": 5, \"reason\": \"r\"}",
            "silence.targets[1] \"nope\" is not a configured target; configured: prefect-api,"
                + " prefect-ui"),
        Arguments.of(
            "{\"clear\": [\"nope\"]}",
            "silence.clear[0] \"nope\" is not a configured target; configured: prefect-api,"
                + " prefect-ui"));
  }

  @ParameterizedTest
  @MethodSource("badRequests")
  void eachBadRequestIsAnsweredNamingTheField(String json, String message) {
    BadInputException e =
        assertThrows(
            BadInputException.class,
            () -> SilenceRequest.from(Json.parse(json, "silence")).requireConfigured(CONFIGURED));
    assertEquals(message, e.getMessage());
  }

  @Test
  void goodRequestsReadAsTheirKind() {
    assertEquals(
        new SilenceRequest.Start(List.of("prefect-api"), 10080, "window"),
        SilenceRequest.from(
            Json.parse(
                "{\"targets\": [\"prefect-api\"], \"minutes\": 10080, \"reason\": \"window\"}",
                "silence")));
    assertEquals(
        new SilenceRequest.Active(), SilenceRequest.from(Json.parse("{\"list\": true}", "s")));
    assertEquals(
        new SilenceRequest.Clear(List.of("prefect-ui")),
        SilenceRequest.from(Json.parse("{\"clear\": [\"prefect-ui\"]}", "s")));
  }

  private static JsonNode result(TargetResult r) {
    return TestReports.resultJson(r);
  }

  @Test
  void theReportSaysSilencedAfterTheEndpointsAndStaysUnhealthy() throws Exception {
    TargetResult failed = TestReports.failed("prefect-api", Reason.NXDOMAIN);
    JsonNode plain = result(failed);
    assertEquals(true, plain.has("silenced"));
    assertEquals(true, plain.get("silenced").isNull());

    Silence silence = new Silence(Instant.parse("2026-11-24T18:00:00Z"), "provider window");
    JsonNode silenced = result(failed.withSilence(silence));
    assertEquals(false, silenced.get("healthy").asBoolean(), "a silence changes alerting only");
    assertEquals(
        "{\"until\":\"2026-11-24T18:00:00Z\",\"reason\":\"provider window\"}",
        silenced.get("silenced").toString());
    Iterator<String> keys = silenced.fieldNames();
    String last = null;
    String beforeLast = null;
    while (keys.hasNext()) {
      beforeLast = last;
      last = keys.next();
    }
    assertEquals("endpoints", beforeLast);
    assertEquals("silenced", last);
  }
}
