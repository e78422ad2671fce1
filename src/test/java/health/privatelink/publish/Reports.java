package health.privatelink.publish;

import health.privatelink.Failure;
import health.privatelink.Reason;
import health.privatelink.check.Report;
import health.privatelink.check.TargetResult;
import health.privatelink.check.Timings;
import health.privatelink.config.Target;
import health.privatelink.testing.TestReports;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Reports and results built from the records, for tests that need no network check. */
final class Reports {
  /** A run start with whole milliseconds, as CloudWatch keeps them. */
  static final Instant STARTED_AT = Instant.parse("2026-03-04T05:06:07.089Z");

  private Reports() {}

  static Target target(String name) {
    return TestReports.target(name);
  }

  static Duration ms(double millis) {
    return Duration.ofNanos(Math.round(millis * 1_000_000));
  }

  /** A healthy HTTPS check with every phase and a certificate. */
  static TargetResult healthy(String name) {
    return new TargetResult(
        target(name),
        Optional.empty(),
        List.of(address("10.0.1.23")),
        OptionalInt.of(200),
        new Timings(
            Optional.of(ms(2.125)),
            Optional.of(ms(1.5)),
            Optional.of(ms(12.25)),
            Optional.of(ms(30.75)),
            ms(46.625)),
        OptionalLong.of(300),
        Optional.empty(),
        List.of());
  }

  /** A check that failed for {@code reason} after the phases given completed. */
  static TargetResult failed(String name, Reason reason, Timings timings, OptionalLong days) {
    return new TargetResult(
        target(name),
        Optional.of(new Failure(reason, "test failure")),
        List.of(),
        OptionalInt.empty(),
        timings,
        days,
        Optional.empty(),
        List.of());
  }

  static Report report(TargetResult... results) {
    return new Report(STARTED_AT, ms(50), List.of(results));
  }

  /** A report of {@code count} healthy targets: 7 data points each, plus UnhealthyTargets. */
  static Report healthyTargets(int count) {
    List<TargetResult> results = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      results.add(healthy(String.format("target-%03d", i)));
    }
    return new Report(STARTED_AT, ms(50), results);
  }

  /** A report of healthy targets (7 data points each) and NXDOMAIN ones (3 each), plus 1. */
  static Report sized(int healthy, int failed) {
    List<TargetResult> results = new ArrayList<>();
    for (int i = 0; i < healthy; i++) {
      results.add(healthy(String.format("healthy-%03d", i)));
    }
    for (int i = 0; i < failed; i++) {
      results.add(
          failed(
              String.format("failed-%03d", i),
              Reason.NXDOMAIN,
              new Timings(
                  Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), ms(1)),
              OptionalLong.empty()));
    }
    return new Report(STARTED_AT, ms(50), results);
  }

  /** A run with one healthy and one failed target: every kind of data point. */
  static Report mixed() {
    return report(
        healthy("prefect-api"),
        failed(
            "prefect-ui",
            Reason.NXDOMAIN,
            new Timings(
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), ms(3.5)),
            OptionalLong.empty()));
  }

  private static InetAddress address(String literal) {
    return TestReports.address(literal);
  }
}
