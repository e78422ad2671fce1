package health.privatelink.publish;

import static health.privatelink.testing.TestReports.STARTED_AT;
import static health.privatelink.testing.TestReports.failed;
import static health.privatelink.testing.TestReports.healthy;
import static health.privatelink.testing.TestReports.ms;
import static health.privatelink.testing.TestReports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.Reason;
import health.privatelink.check.Report;
import health.privatelink.check.Timings;
import health.privatelink.config.MetricsDetail;
import health.privatelink.testing.TestReports;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MetricsTest {

  /** A data point as one readable line: {@code Name[Dim=value,...] Unit value}. */
  static String show(DataPoint p) {
    String dimensions =
        p.dimensions().stream()
            .map(d -> d.name() + "=" + d.value())
            .collect(Collectors.joining(",", "[", "]"));
    return p.name() + dimensions + " " + p.unit().cloudWatchName() + " " + p.value();
  }

  private static Timings phases(
      Optional<Duration> dns,
      Optional<Duration> connect,
      Optional<Duration> tls,
      Optional<Duration> ttfb,
      Duration total) {
    return new Timings(dns, connect, tls, ttfb, total);
  }

  static Stream<Arguments> results() {
    return Stream.of(
        Arguments.of(
            "healthy over TLS: every phase and the certificate",
            report(healthy("prefect-api")),
            List.of(
                "HealthCheckStatus[Target=prefect-api] None 1.0",
                "Duration[Target=prefect-api] Milliseconds 46.625",
                "DnsLookupTime[Target=prefect-api] Milliseconds 2.125",
                "ConnectTime[Target=prefect-api] Milliseconds 1.5",
                "TlsHandshakeTime[Target=prefect-api] Milliseconds 12.25",
                "TimeToFirstByte[Target=prefect-api] Milliseconds 30.75",
                "CertificateDaysRemaining[Target=prefect-api] None 300.0",
                "UnhealthyTargets[] Count 0.0",
                "SilencedTargets[] Count 0.0")),
        Arguments.of(
            "NXDOMAIN: no phase completed",
            report(
                failed(
                    "prefect-ui",
                    Reason.NXDOMAIN,
                    phases(
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        ms(3.5)),
                    OptionalLong.empty())),
            List.of(
                "HealthCheckStatus[Target=prefect-ui] None 0.0",
                "Duration[Target=prefect-ui] Milliseconds 3.5",
                "HealthCheckFailure[Target=prefect-ui,Reason=NXDOMAIN] Count 1.0",
                "UnhealthyTargets[] Count 1.0",
                "SilencedTargets[] Count 0.0")),
        Arguments.of(
            "connect timeout after DNS",
            report(
                failed(
                    "a",
                    Reason.CONNECT_TIMEOUT,
                    phases(
                        Optional.of(ms(4)),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        ms(5000)),
                    OptionalLong.empty())),
            List.of(
                "HealthCheckStatus[Target=a] None 0.0",
                "Duration[Target=a] Milliseconds 5000.0",
                "DnsLookupTime[Target=a] Milliseconds 4.0",
                "HealthCheckFailure[Target=a,Reason=CONNECT_TIMEOUT] Count 1.0",
                "UnhealthyTargets[] Count 1.0",
                "SilencedTargets[] Count 0.0")),
        Arguments.of(
            "TLS failure: DNS and connect, no handshake, no certificate",
            report(
                failed(
                    "a",
                    Reason.TLS_ERROR,
                    phases(
                        Optional.of(ms(1)),
                        Optional.of(ms(2)),
                        Optional.empty(),
                        Optional.empty(),
                        ms(9)),
                    OptionalLong.empty())),
            List.of(
                "HealthCheckStatus[Target=a] None 0.0",
                "Duration[Target=a] Milliseconds 9.0",
                "DnsLookupTime[Target=a] Milliseconds 1.0",
                "ConnectTime[Target=a] Milliseconds 2.0",
                "HealthCheckFailure[Target=a,Reason=TLS_ERROR] Count 1.0",
                "UnhealthyTargets[] Count 1.0",
                "SilencedTargets[] Count 0.0")),
        Arguments.of(
            "plain HTTP answering 503: no TLS phase, no certificate",
            report(
                failed(
                    "a",
                    Reason.HTTP_STATUS,
                    phases(
                        Optional.of(ms(1)),
                        Optional.of(ms(2)),
                        Optional.empty(),
                        Optional.of(ms(3)),
                        ms(7)),
                    OptionalLong.empty())),
            List.of(
                "HealthCheckStatus[Target=a] None 0.0",
                "Duration[Target=a] Milliseconds 7.0",
                "DnsLookupTime[Target=a] Milliseconds 1.0",
                "ConnectTime[Target=a] Milliseconds 2.0",
                "TimeToFirstByte[Target=a] Milliseconds 3.0",
                "HealthCheckFailure[Target=a,Reason=HTTP_STATUS] Count 1.0",
                "UnhealthyTargets[] Count 1.0",
                "SilencedTargets[] Count 0.0")),
        Arguments.of(
            "body mismatch after a full exchange keeps every phase and the certificate",
            report(
                failed(
                    "a",
                    Reason.BODY_MISMATCH,
                    phases(
                        Optional.of(ms(1)),
                        Optional.of(ms(2)),
                        Optional.of(ms(3)),
                        Optional.of(ms(4)),
                        ms(11)),
                    OptionalLong.of(-2))),
            List.of(
                "HealthCheckStatus[Target=a] None 0.0",
                "Duration[Target=a] Milliseconds 11.0",
                "DnsLookupTime[Target=a] Milliseconds 1.0",
                "ConnectTime[Target=a] Milliseconds 2.0",
                "TlsHandshakeTime[Target=a] Milliseconds 3.0",
                "TimeToFirstByte[Target=a] Milliseconds 4.0",
                "CertificateDaysRemaining[Target=a] None -2.0",
                "HealthCheckFailure[Target=a,Reason=BODY_MISMATCH] Count 1.0",
                "UnhealthyTargets[] Count 1.0",
                "SilencedTargets[] Count 0.0")),
        Arguments.of(
            "one zone broken: the slowest address's phases, and how many addresses failed",
            report(TestReports.oneZoneBroken("api")),
            List.of(
                "HealthCheckStatus[Target=api] None 0.0",
                "Duration[Target=api] Milliseconds 5003.0",
                "DnsLookupTime[Target=api] Milliseconds 2.0",
                "ConnectTime[Target=api] Milliseconds 2.0",
                "TlsHandshakeTime[Target=api] Milliseconds 15.0",
                "TimeToFirstByte[Target=api] Milliseconds 30.0",
                "CertificateDaysRemaining[Target=api] None 300.0",
                "HealthCheckFailure[Target=api,Reason=CONNECT_TIMEOUT] Count 1.0",
                "UnhealthyAddresses[Target=api] Count 1.0",
                "UnhealthyTargets[] Count 1.0",
                "SilencedTargets[] Count 0.0")),
        Arguments.of(
            "a run with no targets still says how many failed",
            report(),
            List.of("UnhealthyTargets[] Count 0.0", "SilencedTargets[] Count 0.0")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("results")
  void dataPointsFollowTheContract(String name, Report report, List<String> expected) {
    List<DataPoint> points = Metrics.of(report, MetricsDetail.FULL);

    assertEquals(expected, points.stream().map(MetricsTest::show).toList());
    assertTrue(
        points.stream().allMatch(p -> p.timestamp().equals(STARTED_AT)),
        "every data point is stamped with the run's start");
  }

  @Test
  void theDeclaredNamesAreExactlyTheNamesARichReportProduces() {
    Report rich =
        report(
            healthy("prefect-api"),
            TestReports.oneZoneBroken("prefect-ui"),
            failed(
                "dns",
                Reason.NXDOMAIN,
                phases(
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), ms(3)),
                OptionalLong.empty()));

    Set<String> produced =
        Metrics.of(rich, MetricsDetail.FULL).stream()
            .map(DataPoint::name)
            .collect(Collectors.toSet());

    assertEquals(Set.copyOf(Metrics.NAMES), produced);
    assertEquals(Metrics.NAMES.size(), Set.copyOf(Metrics.NAMES).size(), "no name twice");
  }

  @Test
  void targetsKeepTheirConfiguredOrderAndTheRunCountsTheFailedOnes() {
    Report report = TestReports.mixed();

    List<DataPoint> points = Metrics.of(report, MetricsDetail.FULL);

    assertEquals(
        List.of("prefect-api", "prefect-ui"),
        points.stream()
            .filter(p -> p.name().equals("HealthCheckStatus"))
            .map(p -> p.dimensions().getFirst().value())
            .toList());
    assertEquals("UnhealthyTargets[] Count 1.0", show(points.get(points.size() - 2)));
    assertEquals("SilencedTargets[] Count 0.0", show(points.getLast()));
  }
}
