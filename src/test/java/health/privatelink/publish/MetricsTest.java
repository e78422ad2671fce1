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
import health.privatelink.check.Silence;
import health.privatelink.check.TargetResult;
import health.privatelink.check.Timings;
import health.privatelink.config.MetricsDetail;
import health.privatelink.testing.TestReports;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  static final Silence MAINTENANCE =
      new Silence(Instant.parse("2026-03-04T07:00:00Z"), "provider maintenance");

  /**
   * A healthy target, a silenced one with a broken zone, and a failed one that is not silenced:
   * every kind of data point of the lean set, and both counts.
   */
  static Report silencedRun() {
    return report(
        healthy("prefect-api"),
        TestReports.oneZoneBroken("prefect-ui").withSilence(MAINTENANCE),
        failed(
            "legacy",
            Reason.NXDOMAIN,
            phases(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), ms(3.5)),
            OptionalLong.empty()));
  }

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
            TestReports.oneZoneBroken("prefect-ui").withSilence(MAINTENANCE),
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

  @Test
  void leanKeepsOnlyStatusFailuresAndCounts() {
    List<DataPoint> points = Metrics.of(silencedRun(), MetricsDetail.LEAN);

    assertEquals(
        List.of(
            "HealthCheckStatus[Target=prefect-api] None 1.0",
            "HealthCheckStatus[Target=prefect-ui] None 0.0",
            "HealthCheckFailure[Target=prefect-ui,Reason=CONNECT_TIMEOUT] Count 1.0",
            "UnhealthyAddresses[Target=prefect-ui] Count 1.0",
            "HealthCheckStatus[Target=legacy] None 0.0",
            "HealthCheckFailure[Target=legacy,Reason=NXDOMAIN] Count 1.0",
            "UnhealthyTargets[] Count 1.0",
            "SilencedTargets[] Count 1.0"),
        points.stream().map(MetricsTest::show).toList());
  }

  @Test
  void leanNamesAreTheContractsLeanSet() {
    Set<String> produced =
        Metrics.of(silencedRun(), MetricsDetail.LEAN).stream()
            .map(DataPoint::name)
            .collect(Collectors.toSet());

    assertEquals(
        Set.of(
            "HealthCheckStatus",
            "HealthCheckFailure",
            "UnhealthyAddresses",
            "UnhealthyTargets",
            "SilencedTargets"),
        produced);
  }

  @Test
  void fullCountsTheSilencedApartFromTheUnhealthy() {
    List<String> shown =
        Metrics.of(silencedRun(), MetricsDetail.FULL).stream().map(MetricsTest::show).toList();

    // The silenced target keeps every metric of its own; only the run-wide counts tell it apart.
    assertTrue(shown.contains("HealthCheckStatus[Target=prefect-ui] None 0.0"), shown::toString);
    assertTrue(
        shown.contains("TlsHandshakeTime[Target=prefect-ui] Milliseconds 15.0"), shown::toString);
    assertEquals(
        List.of("UnhealthyTargets[] Count 1.0", "SilencedTargets[] Count 1.0"),
        shown.subList(shown.size() - 2, shown.size()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("counts")
  void unhealthyTargetsLeavesOutTheSilenced(
      String name, List<TargetResult> results, double unhealthy, double silenced) {
    for (MetricsDetail detail : MetricsDetail.values()) {
      List<DataPoint> points = Metrics.of(report(results.toArray(TargetResult[]::new)), detail);
      assertEquals(
          List.of("UnhealthyTargets[] Count " + unhealthy, "SilencedTargets[] Count " + silenced),
          points.subList(points.size() - 2, points.size()).stream().map(MetricsTest::show).toList(),
          detail.toString());
    }
  }

  static Stream<Arguments> counts() {
    TargetResult up = healthy("up");
    TargetResult down = TestReports.failed("down", Reason.HTTP_STATUS);
    return Stream.of(
        Arguments.of("nothing silenced", List.of(up, down), 1.0, 0.0),
        Arguments.of(
            "the failed one silenced", List.of(up, down.withSilence(MAINTENANCE)), 0.0, 1.0),
        Arguments.of(
            "a healthy one silenced", List.of(up.withSilence(MAINTENANCE), down), 1.0, 1.0),
        Arguments.of(
            "everything silenced",
            List.of(up.withSilence(MAINTENANCE), down.withSilence(MAINTENANCE)),
            0.0,
            2.0));
  }

  @Test
  void leanLogsEachTargetsTimingsWithTheReportsKeys() {
    List<Metrics.Logged> logged = Metrics.logged(silencedRun(), MetricsDetail.LEAN);

    assertEquals(
        List.of(
            new Metrics.Logged("prefect-api", properties(timings(2L, 2L, 12L, 31L, 47L), 300L)),
            new Metrics.Logged("prefect-ui", properties(timings(2L, 2L, 15L, 30L, 5003L), 300L)),
            new Metrics.Logged("legacy", properties(timings(null, null, null, null, 4L), null))),
        logged);
    assertEquals(List.of(), Metrics.logged(silencedRun(), MetricsDetail.FULL), "full logs none");
  }

  static Map<String, Object> timings(Long dns, Long connect, Long tls, Long ttfb, Long total) {
    Map<String, Object> timings = new LinkedHashMap<>();
    timings.put("dnsMs", dns);
    timings.put("connectMs", connect);
    timings.put("tlsMs", tls);
    timings.put("ttfbMs", ttfb);
    timings.put("totalMs", total);
    return timings;
  }

  static Map<String, Object> properties(Map<String, Object> timings, Long certificateDays) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("timings", timings);
    properties.put("certificateDaysRemaining", certificateDays);
    return properties;
  }
}
