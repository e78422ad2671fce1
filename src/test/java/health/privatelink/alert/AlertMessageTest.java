package health.privatelink.alert;

import static health.privatelink.testing.TestReports.failed;
import static health.privatelink.testing.TestReports.passed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.Reason;
import health.privatelink.check.TargetResult;
import health.privatelink.testing.TestReports;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AlertMessageTest {
  static final Instant NOW = Instant.parse("2025-06-03T14:12:00Z");
  static final Instant SINCE = Instant.parse("2025-06-03T14:00:00Z");

  static Notice alarm(String name, Reason reason) {
    return new Notice(failed(name, reason), AlertEvent.ALARM, SINCE, 2, Optional.of(reason));
  }

  static Notice reminder(String name, Reason reason) {
    return new Notice(failed(name, reason), AlertEvent.REMINDER, SINCE, 60, Optional.of(reason));
  }

  static Notice ok(String name, Reason was) {
    return new Notice(passed(name), AlertEvent.OK, SINCE, 12, Optional.of(was));
  }

  static List<Notice> many(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> alarm("private-endpoint-" + i, Reason.CONNECT_TIMEOUT))
        .toList();
  }

  static Stream<Arguments> subjects() {
    return Stream.of(
        Arguments.of(
            List.of(alarm("prefect-api", Reason.NXDOMAIN), alarm("prefect-ui", Reason.NXDOMAIN)),
            "[ALARM] prefect-api NXDOMAIN, prefect-ui NXDOMAIN"),
        Arguments.of(
            List.of(reminder("prefect-api", Reason.CONNECT_TIMEOUT)),
            "[REMINDER] prefect-api CONNECT_TIMEOUT"),
        Arguments.of(List.of(ok("prefect-ui", Reason.NXDOMAIN)), "[OK] prefect-ui"),
        Arguments.of(
            List.of(ok("prefect-ui", Reason.NXDOMAIN), alarm("prefect-api", Reason.TLS_ERROR)),
            "[ALARM] prefect-api TLS_ERROR [OK] prefect-ui"),
        Arguments.of(
            List.of(
                ok("c", Reason.NXDOMAIN),
                reminder("b", Reason.HTTP_STATUS),
                alarm("a", Reason.HTTP_TIMEOUT)),
            "[ALARM] a HTTP_TIMEOUT [REMINDER] b HTTP_STATUS [OK] c"),
        Arguments.of(
            many(6),
            "[ALARM] private-endpoint-0 CONNECT_TIMEOUT, private-endpoint-1 CONNECT_TIMEOUT"
                + " +4 more"),
        Arguments.of(
            List.of(alarm("api\u00e9\r\nevil: injected", Reason.NXDOMAIN)),
            "[ALARM] api? evil: injected NXDOMAIN"),
        Arguments.of(
            List.of(alarm("x".repeat(200), Reason.NXDOMAIN), alarm("y", Reason.NXDOMAIN)),
            "[ALARM] " + "x".repeat(80) + "... +1 more"));
  }

  @ParameterizedTest
  @MethodSource("subjects")
  void subjectNamesStateAndTargetsOnOneShortAsciiLine(List<Notice> notices, String expected) {
    String subject = AlertMessage.of(notices, NOW).subject();
    assertEquals(expected, subject);
    assertTrue(subject.length() < 100, subject.length() + " characters");
    assertTrue(subject.chars().allMatch(c -> c >= 0x20 && c < 0x7f), "printable ASCII");
  }

  @Test
  void subjectStaysUnderTheLimitForAnyNumberOfTargets() {
    for (int count = 1; count <= 40; count++) {
      String subject = AlertMessage.of(many(count), NOW).subject();
      assertTrue(subject.length() <= AlertMessage.MAX_SUBJECT, count + ": " + subject);
      assertTrue(count == 1 || subject.endsWith(" more") || !subject.contains("+"), subject);
    }
  }

  static Stream<Arguments> states() {
    return Stream.of(
        Arguments.of(List.of(ok("a", Reason.NXDOMAIN)), AlertEvent.OK),
        Arguments.of(
            List.of(ok("a", Reason.NXDOMAIN), reminder("b", Reason.NXDOMAIN)), AlertEvent.REMINDER),
        Arguments.of(
            List.of(reminder("b", Reason.NXDOMAIN), alarm("c", Reason.NXDOMAIN)), AlertEvent.ALARM),
        Arguments.of(
            List.of(ok("a", Reason.NXDOMAIN), alarm("c", Reason.NXDOMAIN)), AlertEvent.ALARM));
  }

  @ParameterizedTest
  @MethodSource("states")
  void stateAttributeIsTheMostSevereEventInTheMessage(List<Notice> notices, AlertEvent state) {
    AlertMessage message = AlertMessage.of(notices, NOW);
    assertEquals(state, message.state());
    assertEquals(
        new AlertMessage.Attribute("String", state.name()), message.attributes().get("state"));
  }

  @Test
  void reasonsAttributeIsASortedDistinctJsonArray() {
    AlertMessage message =
        AlertMessage.of(
            List.of(
                alarm("a", Reason.TLS_ERROR),
                alarm("b", Reason.CONNECT_TIMEOUT),
                reminder("c", Reason.TLS_ERROR),
                ok("d", Reason.NXDOMAIN)),
            NOW);
    assertEquals(
        Map.of(
            "state", new AlertMessage.Attribute("String", "ALARM"),
            "reasons",
                new AlertMessage.Attribute(
                    "String.Array", "[\"CONNECT_TIMEOUT\",\"NXDOMAIN\",\"TLS_ERROR\"]"),
            "targets", new AlertMessage.Attribute("String.Array", "[\"a\",\"b\",\"c\",\"d\"]")),
        message.attributes());
  }

  @Test
  void bodyCarriesEverythingOnCallNeedsForAFailingTarget() {
    TargetResult result =
        failed("prefect-api", Reason.CONNECT_TIMEOUT, "no answer from 10.0.1.23:443 in 5000 ms")
            .withDiagnosis("sg-0abc allows no egress to 443");
    Notice notice =
        new Notice(result, AlertEvent.ALARM, SINCE, 12, Optional.of(Reason.CONNECT_TIMEOUT));
    String body = AlertMessage.of(List.of(notice), NOW).body();

    for (String expected :
        List.of(
            "[ALARM] prefect-api",
            "URL: https://prefect-api.private.example.test/health",
            "failing for 12 min, since 2025-06-03 14:00:00 UTC, 12 failed runs",
            "Reason: CONNECT_TIMEOUT",
            "Detail: no answer from 10.0.1.23:443 in 5000 ms",
            "Addresses: 10.0.1.23, 10.0.2.40",
            "Timings: dns 3 ms, connect -, tls -, first byte -, total 4 ms",
            "Hint: " + Reason.CONNECT_TIMEOUT.hint(),
            "Diagnosis: sg-0abc allows no egress to 443")) {
      assertTrue(body.contains(expected), () -> "missing <" + expected + "> in:\n" + body);
    }
  }

  @Test
  void bodyListsEveryAddressWithItsResultSoOneBrokenZoneShows() throws Exception {
    TargetResult result =
        TestReports.oneZoneBroken("prefect-api")
            .withDiagnosis("d", Map.of(java.net.InetAddress.getByName("10.0.2.17"), "use1-az2"));
    Notice notice =
        new Notice(result, AlertEvent.ALARM, SINCE, 2, Optional.of(Reason.CONNECT_TIMEOUT));
    AlertMessage message = AlertMessage.of(List.of(notice), NOW);
    String body = message.body();

    String expected =
        """
          Detail: 10.0.2.17:443 (1 of 3 addresses): no TCP answer within 5000 ms
          Addresses: 10.0.1.23, 10.0.2.17, 10.0.3.5
          Per address: 1 of 3 addresses failed
            10.0.1.23: OK
            10.0.2.17 (use1-az2): CONNECT_TIMEOUT, no TCP answer within 5000 ms
            10.0.3.5: OK
        """;
    assertTrue(body.contains(expected), () -> "missing <" + expected + "> in:\n" + body);
    assertTrue(message.subject().length() < 100, message.subject());
    assertTrue(message.subject().matches("[\\x20-\\x7e]+"), message.subject());
  }

  @Test
  void aOneAddressTargetHasNoPerAddressLines() {
    String body = AlertMessage.of(List.of(alarm("a", Reason.NXDOMAIN)), NOW).body();

    assertTrue(!body.contains("Per address"), body);
  }

  @Test
  void bodyOfARecoverySaysHowLongItFailedAndWhy() {
    String body = AlertMessage.of(List.of(ok("prefect-ui", Reason.NXDOMAIN)), NOW).body();
    for (String expected :
        List.of(
            "Recovered: prefect-ui",
            "[OK] prefect-ui",
            "recovered after failing for 12 min",
            "last reason NXDOMAIN",
            "Reason: none, the check passed",
            "HTTP status: 200",
            "Timings: dns 2 ms, connect 1 ms, tls 12 ms, first byte 30 ms, total 45 ms")) {
      assertTrue(body.contains(expected), () -> "missing <" + expected + "> in:\n" + body);
    }
  }

  @Test
  void bodyKeepsEachFieldOnOneLine() {
    TargetResult result = failed("a", Reason.HTTP_STATUS, "got 503\r\nSet-Cookie: x");
    String body =
        AlertMessage.of(
                List.of(
                    new Notice(
                        result, AlertEvent.ALARM, SINCE, 2, Optional.of(Reason.HTTP_STATUS))),
                NOW)
            .body();
    assertTrue(body.contains("Detail: got 503 Set-Cookie: x\n"), body);
  }

  static Stream<Arguments> durations() {
    return Stream.of(
        Arguments.of(Duration.ofSeconds(0), "0 s"),
        Arguments.of(Duration.ofSeconds(59), "59 s"),
        Arguments.of(Duration.ofSeconds(60), "1 min"),
        Arguments.of(Duration.ofMinutes(12).plusSeconds(40), "12 min"),
        Arguments.of(Duration.ofMinutes(60), "1 h"),
        Arguments.of(Duration.ofMinutes(185), "3 h 5 min"),
        Arguments.of(Duration.ofHours(47), "47 h"),
        Arguments.of(Duration.ofHours(48), "2 d"),
        Arguments.of(Duration.ofHours(75), "3 d 3 h"),
        Arguments.of(Duration.ofSeconds(-5), "0 s"));
  }

  @ParameterizedTest
  @MethodSource("durations")
  void durationsReadAsOnCallSaysThem(Duration duration, String expected) {
    assertEquals(expected, AlertMessage.human(duration));
  }
}
