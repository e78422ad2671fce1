package health.privatelink.publish;

import health.privatelink.check.Report;
import health.privatelink.check.TargetResult;
import health.privatelink.check.Timings;
import health.privatelink.config.MetricsDetail;
import health.privatelink.publish.DataPoint.Dimension;
import health.privatelink.publish.DataPoint.Unit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
          "UnhealthyTargets",
          "SilencedTargets");

  static final String TARGET = "Target";
  static final String REASON = "Reason";

  private Metrics() {}

  /**
   * Every data point of one run, all stamped with the run's start. In {@code lean} the phase
   * timings, {@code Duration} and {@code CertificateDaysRemaining} are left out: {@link #logged}
   * carries them instead.
   */
  static List<DataPoint> of(Report report, MetricsDetail detail) {
    Instant at = report.startedAt();
    List<DataPoint> points = new ArrayList<>();
    for (TargetResult result : report.results()) {
      List<Dimension> target = List.of(new Dimension(TARGET, result.target().name()));
      Timings timings = result.timings();
      points.add(
          new DataPoint("HealthCheckStatus", target, Unit.NONE, result.healthy() ? 1 : 0, at));
      switch (detail) {
        case FULL -> {
          points.add(millis("Duration", target, Optional.of(timings.total()), at).orElseThrow());
          millis("DnsLookupTime", target, timings.dns(), at).ifPresent(points::add);
          millis("ConnectTime", target, timings.connect(), at).ifPresent(points::add);
          millis("TlsHandshakeTime", target, timings.tls(), at).ifPresent(points::add);
          millis("TimeToFirstByte", target, timings.timeToFirstByte(), at).ifPresent(points::add);
          if (result.certificateDaysRemaining().isPresent()) {
            long days = result.certificateDaysRemaining().getAsLong();
            points.add(new DataPoint("CertificateDaysRemaining", target, Unit.NONE, days, at));
          }
        }
        case LEAN -> {}
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
    // A silenced target is still unhealthy in the report, but not counted here: the backstop alarm
    // on UnhealthyTargets stays quiet through a maintenance window everyone knows about.
    long unhealthy =
        report.results().stream().filter(r -> !r.healthy() && r.silenced().isEmpty()).count();
    long silenced = report.results().stream().filter(r -> r.silenced().isPresent()).count();
    points.add(new DataPoint("UnhealthyTargets", List.of(), Unit.COUNT, unhealthy, at));
    points.add(new DataPoint("SilencedTargets", List.of(), Unit.COUNT, silenced, at));
    return List.copyOf(points);
  }

  /**
   * What {@code lean} keeps out of the metrics but still writes every run, per target, for Logs
   * Insights: {@code timings} with the report's keys (whole milliseconds, {@code null} for a phase
   * that did not complete) and {@code certificateDaysRemaining}. Empty in {@code full}, where the
   * metrics carry them. A cold run's report reaches publishing without its phases, so they are
   * {@code null} here exactly when the metrics would have left them out.
   */
  static List<Logged> logged(Report report, MetricsDetail detail) {
    return switch (detail) {
      case FULL -> List.of();
      case LEAN -> report.results().stream().map(Metrics::logged).toList();
    };
  }

  private static Logged logged(TargetResult result) {
    Timings t = result.timings();
    Map<String, Object> timings = new LinkedHashMap<>();
    timings.put("dnsMs", t.dns().map(Timings::millis).orElse(null));
    timings.put("connectMs", t.connect().map(Timings::millis).orElse(null));
    timings.put("tlsMs", t.tls().map(Timings::millis).orElse(null));
    timings.put("ttfbMs", t.timeToFirstByte().map(Timings::millis).orElse(null));
    timings.put("totalMs", Timings.millis(t.total()));
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("timings", Collections.unmodifiableMap(timings));
    properties.put(
        "certificateDaysRemaining",
        result.certificateDaysRemaining().isPresent()
            ? result.certificateDaysRemaining().getAsLong()
            : null);
    return new Logged(result.target().name(), Collections.unmodifiableMap(properties));
  }

  /**
   * One target's logged measurements.
   *
   * @param target the target's name
   * @param properties {@code timings} and {@code certificateDaysRemaining}, in that order; values
   *     may be {@code null}
   */
  record Logged(String target, Map<String, Object> properties) {}

  private static Optional<DataPoint> millis(
      String name, List<Dimension> dimensions, Optional<Duration> phase, Instant at) {
    return phase.map(
        d -> new DataPoint(name, dimensions, Unit.MILLISECONDS, Timings.fractionalMillis(d), at));
  }
}
