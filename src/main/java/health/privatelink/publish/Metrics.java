package health.privatelink.publish;

import health.privatelink.check.Report;
import health.privatelink.check.TargetResult;
import health.privatelink.check.Timings;
import health.privatelink.publish.DataPoint.Dimension;
import health.privatelink.publish.DataPoint.Unit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a report into the contract's data points. The metric and dimension names are public
 * interface (users alarm on them): never rename one.
 */
public final class Metrics {
  /** Every metric name {@link #of} can emit; the reference page documents each of them. */
  public static final List<String> NAMES =
      List.of(
          "HealthCheckStatus",
          "Duration",
          "DnsLookupTime",
          "ConnectTime",
          "TlsHandshakeTime",
          "TimeToFirstByte",
          "CertificateDaysRemaining",
          "HealthCheckFailure",
          "UnhealthyAddresses",
          "UnhealthyTargets");

  static final String TARGET = "Target";
  static final String REASON = "Reason";

  private Metrics() {}

  /** Every data point of one run, all stamped with the run's start. */
  static List<DataPoint> of(Report report) {
    Instant at = report.startedAt();
    List<DataPoint> points = new ArrayList<>();
    for (TargetResult result : report.results()) {
      List<Dimension> target = List.of(new Dimension(TARGET, result.target().name()));
      Timings timings = result.timings();
      points.add(
          new DataPoint("HealthCheckStatus", target, Unit.NONE, result.healthy() ? 1 : 0, at));
      points.add(millis("Duration", target, Optional.of(timings.total()), at).orElseThrow());
      millis("DnsLookupTime", target, timings.dns(), at).ifPresent(points::add);
      millis("ConnectTime", target, timings.connect(), at).ifPresent(points::add);
      millis("TlsHandshakeTime", target, timings.tls(), at).ifPresent(points::add);
      millis("TimeToFirstByte", target, timings.timeToFirstByte(), at).ifPresent(points::add);
      if (result.certificateDaysRemaining().isPresent()) {
        long days = result.certificateDaysRemaining().getAsLong();
        points.add(new DataPoint("CertificateDaysRemaining", target, Unit.NONE, days, at));
      }
      result
          .failure()
          .ifPresent(failure -> {
            List<Dimension> targetAndReason =
                List.of(target.getFirst(), new Dimension(REASON, failure.reason().name()));
            points.add(new DataPoint("HealthCheckFailure", targetAndReason, Unit.COUNT, 1, at));
          });
      if (!result.endpoints().isEmpty()) {
        // Only when addresses were connected to: after a DNS failure there is nothing to count.
        long failed = result.endpoints().stream().filter(e -> !e.healthy()).count();
        points.add(new DataPoint("UnhealthyAddresses", target, Unit.COUNT, failed, at));
      }
    }
    points.add(
        new DataPoint("UnhealthyTargets", List.of(), Unit.COUNT, report.unhealthyCount(), at));
    return List.copyOf(points);
  }

  private static Optional<DataPoint> millis(
      String name, List<Dimension> dimensions, Optional<Duration> phase, Instant at) {
    return phase.map(
        d -> new DataPoint(name, dimensions, Unit.MILLISECONDS, Timings.fractionalMillis(d), at));
  }
}
