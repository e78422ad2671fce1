package health.privatelink.publish;

import static health.privatelink.testing.TestReports.STARTED_AT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.privatelink.check.Report;
import health.privatelink.config.MetricsDetail;
import health.privatelink.publish.DataPoint.Dimension;
import health.privatelink.publish.DataPoint.Unit;
import health.privatelink.testing.TestReports;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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

  @Test
  void aRunIsOneLinePerTargetAndOneForTheRun() {
    List<DataPoint> points = Metrics.of(TestReports.mixed(), MetricsDetail.FULL);

    List<String> lines = Emf.lines(NAMESPACE, points, List.of());

    assertEquals(3, lines.size(), String.join("\n", lines));
    assertEquals(sorted(points), sorted(EmfDocument.parseAll(lines, NAMESPACE)));
  }

  @Test
  void aFailedTargetsLineCarriesTheFailureUnderTargetAndReason() {
    List<String> lines =
        Emf.lines(NAMESPACE, Metrics.of(TestReports.mixed(), MetricsDetail.FULL), List.of());

    long millis = STARTED_AT.toEpochMilli();
    assertEquals(
        "{\"_aws\":{\"Timestamp\":"
            + millis
            + ",\"CloudWatchMetrics\":["
            + "{\"Namespace\":\"PrivateLinkHealth\",\"Dimensions\":[[\"Target\"]],\"Metrics\":["
            + "{\"Name\":\"HealthCheckStatus\",\"Unit\":\"None\"},"
            + "{\"Name\":\"Duration\",\"Unit\":\"Milliseconds\"}]},"
            + "{\"Namespace\":\"PrivateLinkHealth\",\"Dimensions\":[[\"Target\",\"Reason\"]],"
            + "\"Metrics\":[{\"Name\":\"HealthCheckFailure\",\"Unit\":\"Count\"}]}]},"
            + "\"Target\":\"prefect-ui\",\"Reason\":\"NXDOMAIN\","
            + "\"HealthCheckStatus\":0.0,\"Duration\":3.5,\"HealthCheckFailure\":1.0}",
        lines.get(1));
    assertEquals(
        "{\"_aws\":{\"Timestamp\":"
            + millis
            + ",\"CloudWatchMetrics\":["
            + "{\"Namespace\":\"PrivateLinkHealth\",\"Dimensions\":[[]],\"Metrics\":["
            + "{\"Name\":\"UnhealthyTargets\",\"Unit\":\"Count\"},"
            + "{\"Name\":\"SilencedTargets\",\"Unit\":\"Count\"}]}]},"
            + "\"UnhealthyTargets\":1.0,\"SilencedTargets\":0.0}",
        lines.get(2));
  }

  private static DataPoint point(String name, double value, Dimension... dimensions) {
    return new DataPoint(name, List.of(dimensions), Unit.COUNT, value, STARTED_AT);
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
            Metrics.of(TestReports.healthyTargets(150), MetricsDetail.FULL),
            151));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("limits")
  void linesStayWithinTheSpecification(String name, List<DataPoint> points, int expectedLines) {
    List<String> lines = Emf.lines(NAMESPACE, points, List.of());

    assertEquals(expectedLines, lines.size());
    // parseAll asserts the specification's rules on every line.
    assertEquals(sorted(points), sorted(EmfDocument.parseAll(lines, NAMESPACE)));
  }

  @Test
  void noDataPointsWriteNoLines() {
    assertEquals(List.of(), Emf.lines(NAMESPACE, List.of(), List.of()));
  }

  @Test
  void leanLinesCarryTheTimingsAsPropertiesThatAreNoMetrics() {
    Report run = MetricsTest.silencedRun();

    List<String> lines =
        Emf.lines(
            NAMESPACE,
            Metrics.of(run, MetricsDetail.LEAN),
            Metrics.logged(run, MetricsDetail.LEAN));

    long millis = STARTED_AT.toEpochMilli();
    String head = "{\"_aws\":{\"Timestamp\":" + millis + ",\"CloudWatchMetrics\":[";
    String byTarget = "{\"Namespace\":\"PrivateLinkHealth\",\"Dimensions\":[[\"Target\"]],";
    String byReason =
        "{\"Namespace\":\"PrivateLinkHealth\",\"Dimensions\":[[\"Target\",\"Reason\"]],";
    assertEquals(
        List.of(
            head
                + byTarget
                + "\"Metrics\":[{\"Name\":\"HealthCheckStatus\",\"Unit\":\"None\"}]}]},"
                + "\"Target\":\"prefect-api\",\"HealthCheckStatus\":1.0,"
                + "\"timings\":{\"dnsMs\":2,\"connectMs\":2,\"tlsMs\":12,\"ttfbMs\":31,"
                + "\"totalMs\":47},\"certificateDaysRemaining\":300}",
            head
                + byTarget
                + "\"Metrics\":[{\"Name\":\"HealthCheckStatus\",\"Unit\":\"None\"},"
                + "{\"Name\":\"UnhealthyAddresses\",\"Unit\":\"Count\"}]},"
                + byReason
                + "\"Metrics\":[{\"Name\":\"HealthCheckFailure\",\"Unit\":\"Count\"}]}]},"
                + "\"Target\":\"prefect-ui\",\"Reason\":\"CONNECT_TIMEOUT\","
                + "\"HealthCheckStatus\":0.0,\"UnhealthyAddresses\":1.0,\"HealthCheckFailure\":1.0,"
                + "\"timings\":{\"dnsMs\":2,\"connectMs\":2,\"tlsMs\":15,\"ttfbMs\":30,"
                + "\"totalMs\":5003},\"certificateDaysRemaining\":300}",
            head
                + byTarget
                + "\"Metrics\":[{\"Name\":\"HealthCheckStatus\",\"Unit\":\"None\"}]},"
                + byReason
                + "\"Metrics\":[{\"Name\":\"HealthCheckFailure\",\"Unit\":\"Count\"}]}]},"
                + "\"Target\":\"legacy\",\"Reason\":\"NXDOMAIN\","
                + "\"HealthCheckStatus\":0.0,\"HealthCheckFailure\":1.0,"
                + "\"timings\":{\"dnsMs\":null,\"connectMs\":null,\"tlsMs\":null,"
                + "\"ttfbMs\":null,\"totalMs\":4},\"certificateDaysRemaining\":null}",
            head
                + "{\"Namespace\":\"PrivateLinkHealth\",\"Dimensions\":[[]],\"Metrics\":["
                + "{\"Name\":\"UnhealthyTargets\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"SilencedTargets\",\"Unit\":\"Count\"}]}]},"
                + "\"UnhealthyTargets\":1.0,\"SilencedTargets\":1.0}"),
        lines);
    // What CloudWatch extracts from them is the lean data points, nothing more.
    assertEquals(
        sorted(Metrics.of(run, MetricsDetail.LEAN)),
        sorted(EmfDocument.parseAll(lines, NAMESPACE)));
  }
}
