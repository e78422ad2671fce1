package health.privatelink.publish;

import static health.privatelink.testing.TestReports.RECENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import health.privatelink.check.Report;
import health.privatelink.config.MetricsDetail;
import health.privatelink.publish.DataPoint.Dimension;
import health.privatelink.publish.DataPoint.Unit;
import health.privatelink.testing.TestReports;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EmfTest {
  private static final String NAMESPACE = "PrivateLinkHealth";

  static List<String> sorted(List<DataPoint> points) {
    return points.stream()
        .map(p -> MetricsTest.show(p) + " @" + p.timestamp())
        .sorted(Comparator.naturalOrder())
        .toList();
  }

  /** The lines written for these points, asserting that every point is on one. */
  private static List<String> lines(List<DataPoint> points, List<Metrics.Logged> logged) {
    List<String> lines = new ArrayList<>();
    Emf.Written written = Emf.write(NAMESPACE, points, logged, lines::add);
    assertEquals(Optional.empty(), written.error(), String.join("\n", lines));
    assertEquals(points.size(), written.dataPoints());
    for (String line : lines) {
      assertTrue(EmfDocument.isEmf(line), "an EMF line starts with its _aws member: " + line);
    }
    return lines;
  }

  private static List<String> lines(List<DataPoint> points) {
    return lines(points, List.of());
  }

  private static Report mixed() {
    return TestReports.startedAt(RECENT, TestReports.mixed());
  }

  /** The dimensions of a line's one dimension set, as {@code Name=value}. */
  private static List<String> dimensions(String line) {
    JsonNode root = EmfDocument.canonical(line);
    JsonNode directives = root.get("_aws").get("CloudWatchMetrics");
    assertEquals(1, directives.size(), "one directive a line: " + line);
    JsonNode sets = directives.get(0).get("Dimensions");
    assertEquals(1, sets.size(), "one dimension set a line: " + line);
    List<String> dimensions = new ArrayList<>();
    sets.get(0)
        .forEach(key -> dimensions.add(key.asText() + "=" + root.get(key.asText()).asText()));
    return dimensions;
  }

  @Test
  void aRunIsALinePerTargetOnePerFailureAndOneForTheRun() {
    List<DataPoint> points = Metrics.of(mixed(), MetricsDetail.FULL);

    List<String> lines = lines(points);

    assertEquals(
        List.of(
            List.of("Target=prefect-api"),
            List.of("Target=prefect-ui"),
            List.of("Target=prefect-ui", "Reason=NXDOMAIN"),
            List.of()),
        lines.stream().map(EmfTest::dimensions).toList(),
        String.join("\n", lines));
    assertEquals(sorted(points), sorted(EmfDocument.parseAll(lines, NAMESPACE)));
  }

  @Test
  void aFailedTargetsFailureIsALineOfItsOwnUnderTargetAndReason() {
    List<String> lines = lines(Metrics.of(mixed(), MetricsDetail.FULL));

    long millis = RECENT.toEpochMilli();
    assertEquals(
        EmfDocument.canonical(
            List.of(
                "{\"_aws\":{\"Timestamp\":"
                    + millis
                    + ",\"CloudWatchMetrics\":["
                    + "{\"Namespace\":\"PrivateLinkHealth\",\"Dimensions\":[[\"Target\"]],"
                    + "\"Metrics\":[{\"Name\":\"HealthCheckStatus\",\"Unit\":\"None\"},"
                    + "{\"Name\":\"Duration\",\"Unit\":\"Milliseconds\"}]}]},"
                    + "\"Target\":\"prefect-ui\",\"HealthCheckStatus\":0.0,\"Duration\":3.5}",
                "{\"_aws\":{\"Timestamp\":"
                    + millis
                    + ",\"CloudWatchMetrics\":["
                    + "{\"Namespace\":\"PrivateLinkHealth\",\"Dimensions\":[[\"Target\",\"Reason\"]],"
                    + "\"Metrics\":[{\"Name\":\"HealthCheckFailure\",\"Unit\":\"Count\"}]}]},"
                    + "\"Target\":\"prefect-ui\",\"Reason\":\"NXDOMAIN\",\"HealthCheckFailure\":1.0}",
                "{\"_aws\":{\"Timestamp\":"
                    + millis
                    + ",\"CloudWatchMetrics\":["
                    + "{\"Namespace\":\"PrivateLinkHealth\",\"Dimensions\":[[]],\"Metrics\":["
                    + "{\"Name\":\"UnhealthyTargets\",\"Unit\":\"Count\"},"
                    + "{\"Name\":\"SilencedTargets\",\"Unit\":\"Count\"}]}]},"
                    + "\"UnhealthyTargets\":1.0,\"SilencedTargets\":0.0}")),
        EmfDocument.canonical(lines.subList(1, 4)));
  }

  private static DataPoint point(String name, double value, Dimension... dimensions) {
    return new DataPoint(name, List.of(dimensions), Unit.COUNT, value, RECENT);
  }

  static Stream<Arguments> limits() {
    Dimension a = new Dimension("Target", "a");
    List<DataPoint> manyNames = new ArrayList<>();
    IntStream.range(0, 250).forEach(i -> manyNames.add(point("M" + i, i, a)));
    return Stream.of(
        Arguments.of("250 metrics of one target: 100 per directive", manyNames, 3),
        Arguments.of(
            "one metric twice for a target cannot share a line",
            List.of(point("M", 1, a), point("M", 2, a)),
            2),
        Arguments.of(
            "two reasons for one target cannot share the Reason member",
            List.of(
                point("F", 1, a, new Dimension("Reason", "X")),
                point("G", 1, a, new Dimension("Reason", "Y"))),
            2),
        Arguments.of(
            "targets never share a line",
            List.of(point("M", 1, a), point("M", 1, new Dimension("Target", "b"))),
            2),
        Arguments.of(
            "a dimension named like a metric of the line goes to its own line",
            List.of(point("Reason", 1, a), point("F", 1, a, new Dimension("Reason", "X"))),
            2),
        Arguments.of(
            "150 targets and the run",
            Metrics.of(
                TestReports.startedAt(RECENT, TestReports.healthyTargets(150)), MetricsDetail.FULL),
            151));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("limits")
  void linesStayWithinTheSpecification(String name, List<DataPoint> points, int expectedLines) {
    List<String> lines = lines(points);

    assertEquals(expectedLines, lines.size());
    // parseAll asserts the specification's rules on every line.
    assertEquals(sorted(points), sorted(EmfDocument.parseAll(lines, NAMESPACE)));
  }

  @Test
  void aMetricNamedLikeItsOwnDimensionIsABug() {
    List<DataPoint> points = List.of(point("Target", 1, new Dimension("Target", "a")));
    List<String> lines = new ArrayList<>();

    assertThrows(
        IllegalArgumentException.class, () -> Emf.write(NAMESPACE, points, List.of(), lines::add));
    assertEquals(List.of(), lines);
  }

  @Test
  void noDataPointsWriteNoLines() {
    List<String> lines = new ArrayList<>();

    Emf.Written written = Emf.write(NAMESPACE, List.of(), List.of(), lines::add);

    assertEquals(List.of(), lines);
    assertEquals(new Emf.Written(0, Set.of(), Optional.empty()), written);
  }

  @Test
  void leanLinesCarryTheTimingsAsPropertiesThatAreNoMetrics() {
    Report run = TestReports.startedAt(RECENT, MetricsTest.silencedRun());
    List<String> lines = new ArrayList<>();

    Emf.Written written =
        Emf.write(
            NAMESPACE,
            Metrics.of(run, MetricsDetail.LEAN),
            Metrics.logged(run, MetricsDetail.LEAN),
            lines::add);

    assertEquals(
        new Emf.Written(8, Set.of("prefect-api", "prefect-ui", "legacy"), Optional.empty()),
        written);
    String head = "{\"_aws\":{\"Timestamp\":" + RECENT.toEpochMilli() + ",\"CloudWatchMetrics\":[";
    String byTarget = "{\"Namespace\":\"PrivateLinkHealth\",\"Dimensions\":[[\"Target\"]],";
    String byReason =
        "{\"Namespace\":\"PrivateLinkHealth\",\"Dimensions\":[[\"Target\",\"Reason\"]],";
    String status = "{\"Name\":\"HealthCheckStatus\",\"Unit\":\"None\"}";
    String failure = "\"Metrics\":[{\"Name\":\"HealthCheckFailure\",\"Unit\":\"Count\"}]}]},";
    assertEquals(
        EmfDocument.canonical(
            List.of(
                head
                    + byTarget
                    + "\"Metrics\":["
                    + status
                    + "]}]},"
                    + "\"Target\":\"prefect-api\",\"HealthCheckStatus\":1.0,"
                    + "\"timings\":{\"dnsMs\":2,\"connectMs\":2,\"tlsMs\":12,\"ttfbMs\":31,"
                    + "\"totalMs\":47},\"certificateDaysRemaining\":300}",
                head
                    + byTarget
                    + "\"Metrics\":["
                    + status
                    + ",{\"Name\":\"UnhealthyAddresses\",\"Unit\":\"Count\"}]}]},"
                    + "\"Target\":\"prefect-ui\",\"HealthCheckStatus\":0.0,\"UnhealthyAddresses\":1.0,"
                    + "\"timings\":{\"dnsMs\":2,\"connectMs\":2,\"tlsMs\":15,\"ttfbMs\":30,"
                    + "\"totalMs\":5003},\"certificateDaysRemaining\":300}",
                head
                    + byReason
                    + failure
                    + "\"Target\":\"prefect-ui\",\"Reason\":\"CONNECT_TIMEOUT\","
                    + "\"HealthCheckFailure\":1.0}",
                head
                    + byTarget
                    + "\"Metrics\":["
                    + status
                    + "]}]},"
                    + "\"Target\":\"legacy\",\"HealthCheckStatus\":0.0,"
                    + "\"timings\":{\"dnsMs\":null,\"connectMs\":null,\"tlsMs\":null,"
                    + "\"ttfbMs\":null,\"totalMs\":4},\"certificateDaysRemaining\":null}",
                head
                    + byReason
                    + failure
                    + "\"Target\":\"legacy\",\"Reason\":\"NXDOMAIN\",\"HealthCheckFailure\":1.0}",
                head
                    + "{\"Namespace\":\"PrivateLinkHealth\",\"Dimensions\":[[]],\"Metrics\":["
                    + "{\"Name\":\"UnhealthyTargets\",\"Unit\":\"Count\"},"
                    + "{\"Name\":\"SilencedTargets\",\"Unit\":\"Count\"}]}]},"
                    + "\"UnhealthyTargets\":1.0,\"SilencedTargets\":1.0}")),
        EmfDocument.canonical(lines));
    // An absent certificate is written as null, as the report writes it, not left off the line.
    JsonNode legacy = EmfDocument.canonical(lines.get(3));
    assertTrue(legacy.has("certificateDaysRemaining"), lines.get(3));
    assertTrue(legacy.get("certificateDaysRemaining").isNull(), lines.get(3));
    // What CloudWatch extracts from them is the lean data points, nothing more.
    assertEquals(
        sorted(Metrics.of(run, MetricsDetail.LEAN)),
        sorted(EmfDocument.parseAll(lines, NAMESPACE)));
  }

  @Test
  void aTargetsTimingsRideOnItsFirstLineWhenItHasNoTargetLine() {
    Report run = TestReports.startedAt(RECENT, MetricsTest.silencedRun());
    List<DataPoint> points = Metrics.of(run, MetricsDetail.LEAN);
    // As in a fallback after a split call: legacy's failure is all that is left of it.
    List<DataPoint> rest =
        points.stream()
            .filter(p ->
                !p.name().equals("HealthCheckStatus")
                    || !p.dimensions().getFirst().value().equals("legacy"))
            .toList();
    List<String> lines = new ArrayList<>();

    Emf.Written written =
        Emf.write(NAMESPACE, rest, Metrics.logged(run, MetricsDetail.LEAN), lines::add);

    assertEquals(Set.of("prefect-api", "prefect-ui", "legacy"), written.carried());
    List<Long> totals = new ArrayList<>();
    for (String line : lines) {
      totals.add(EmfDocument.canonical(line).path("timings").path("totalMs").asLong(-1));
    }
    assertEquals(List.of(47L, 5003L, -1L, 4L, -1L), totals, String.join("\n", lines));
    assertEquals(List.of("Target=legacy", "Reason=NXDOMAIN"), dimensions(lines.get(3)));
  }

  static Stream<Arguments> timestamps() {
    return Stream.of(
        Arguments.of(
            "15 days ago",
            RECENT.minus(Duration.ofDays(15)),
            "Timestamp cannot be more than 1209600 seconds in the past"),
        Arguments.of(
            "3 hours ahead",
            RECENT.plus(Duration.ofHours(3)),
            "Timestamp cannot be more than 7200 seconds in the future"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("timestamps")
  void aTimestampCloudWatchWouldNotTakeIsReportedNotWritten(
      String name, Instant at, String refusal) {
    Report old = TestReports.startedAt(at, MetricsTest.silencedRun());
    Report now = TestReports.startedAt(RECENT, TestReports.report(TestReports.healthy("current")));
    List<DataPoint> points = new ArrayList<>(Metrics.of(old, MetricsDetail.LEAN));
    points.addAll(Metrics.of(now, MetricsDetail.LEAN));
    List<Metrics.Logged> logged = new ArrayList<>(Metrics.logged(old, MetricsDetail.LEAN));
    logged.addAll(Metrics.logged(now, MetricsDetail.LEAN));
    List<String> lines = new ArrayList<>();

    Emf.Written written = Emf.write(NAMESPACE, points, logged, lines::add);

    // The refused run's 8 points are counted and named; the other run's lines are still written.
    assertEquals(
        new Emf.Written(
            3,
            Set.of("current"),
            Optional.of("8 data points not written as EMF: timestamp " + at + ": " + refusal)),
        written);
    assertEquals(
        sorted(Metrics.of(now, MetricsDetail.LEAN)),
        sorted(EmfDocument.parseAll(lines, NAMESPACE)));
  }

  static Stream<Arguments> acceptedTimestamps() {
    return Stream.of(
        Arguments.of("13 days ago", RECENT.minus(Duration.ofDays(13))),
        Arguments.of("110 minutes ahead", RECENT.plus(Duration.ofMinutes(110))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptedTimestamps")
  void aTimestampInsideCloudWatchsWindowIsWritten(String name, Instant at) {
    List<DataPoint> points =
        Metrics.of(TestReports.startedAt(at, TestReports.mixed()), MetricsDetail.FULL);

    List<String> lines = lines(points);

    assertEquals(sorted(points), sorted(EmfDocument.parseAll(lines, NAMESPACE)));
  }

  @Test
  void aNamespaceTheLibraryRefusesIsReportedNotThrown() {
    List<String> lines = new ArrayList<>();

    Emf.Written written =
        Emf.write(
            "Team PrivateLink", Metrics.of(mixed(), MetricsDetail.FULL), List.of(), lines::add);

    assertEquals(List.of(), lines);
    assertEquals(
        new Emf.Written(
            0,
            Set.of(),
            Optional.of(
                "12 data points not written as EMF: namespace \"Team PrivateLink\": Namespace"
                    + " contains invalid characters: Team PrivateLink")),
        written);
  }
}
