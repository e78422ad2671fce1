package health.privatelink.testing;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.privatelink.Failure;
import health.privatelink.Json;
import health.privatelink.Reason;
import health.privatelink.check.EndpointResult;
import health.privatelink.check.Report;
import health.privatelink.check.TargetResult;
import health.privatelink.check.Timings;
import health.privatelink.config.Target;
import health.privatelink.run.Pipeline;
import health.privatelink.run.ReportJson;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Builds reports and results the way the checker would, without running a check: {@link #result}
 * for any result, and shortcuts for the common ones.
 */
public final class TestReports {
  /** A run start with whole milliseconds, as CloudWatch keeps them. */
  public static final Instant STARTED_AT = Instant.parse("2026-03-04T05:06:07.089Z");

  private static final Timings NO_TIMINGS =
      new Timings(
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Duration.ZERO);

  private TestReports() {}

  /**
   * A target at {@code https://NAME.private.example.test/health} (names unfit for a host aside).
   */
  public static Target target(String name) {
    String host = name.matches("[A-Za-z0-9-]{1,63}") ? name : "endpoint";
    return new Target(
        name,
        URI.create("https://" + host + ".private.example.test/health"),
        Set.of(200),
        Duration.ofSeconds(5),
        Optional.empty(),
        List.of(),
        true);
  }

  /** A result for {@link #target(String) target(name)}: passed, no address, no timings yet. */
  public static ResultBuilder result(String name) {
    return new ResultBuilder(target(name));
  }

  /** A result for {@code target}: passed, no address, no timings yet. */
  public static ResultBuilder result(Target target) {
    return new ResultBuilder(target);
  }

  /** A {@link TargetResult} set field by field; what is not set is empty. */
  public static final class ResultBuilder {
    private final Target target;
    private Optional<Failure> failure = Optional.empty();
    private List<InetAddress> addresses = List.of();
    private OptionalInt status = OptionalInt.empty();
    private Timings timings = NO_TIMINGS;
    private OptionalLong certificateDays = OptionalLong.empty();
    private Optional<String> diagnosis = Optional.empty();
    private List<EndpointResult> endpoints = List.of();

    private ResultBuilder(Target target) {
      this.target = target;
    }

    public ResultBuilder failure(Reason reason, String detail) {
      failure = Optional.of(new Failure(reason, detail));
      return this;
    }

    public ResultBuilder addresses(InetAddress... addresses) {
      this.addresses = List.of(addresses);
      return this;
    }

    public ResultBuilder addresses(List<InetAddress> addresses) {
      this.addresses = List.copyOf(addresses);
      return this;
    }

    public ResultBuilder status(int status) {
      this.status = OptionalInt.of(status);
      return this;
    }

    public ResultBuilder timings(Timings timings) {
      this.timings = timings;
      return this;
    }

    public ResultBuilder certificateDaysRemaining(OptionalLong days) {
      certificateDays = days;
      return this;
    }

    public ResultBuilder diagnosis(String diagnosis) {
      this.diagnosis = Optional.of(diagnosis);
      return this;
    }

    /** The result of each address connected to. */
    public ResultBuilder endpoints(List<EndpointResult> endpoints) {
      this.endpoints = List.copyOf(endpoints);
      return this;
    }

    public TargetResult build() {
      return new TargetResult(
          target,
          failure,
          addresses,
          status,
          timings,
          certificateDays,
          diagnosis,
          endpoints,
          Optional.empty());
    }
  }

  /** A check that passed: resolved, connected, answered 200. */
  public static TargetResult passed(String name) {
    return result(name)
        .addresses(address("10.0.1.23"))
        .status(200)
        .timings(
            new Timings(
                Optional.of(Duration.ofMillis(2)),
                Optional.of(Duration.ofMillis(1)),
                Optional.of(Duration.ofMillis(12)),
                Optional.of(Duration.ofMillis(30)),
                Duration.ofMillis(45)))
        .certificateDaysRemaining(OptionalLong.of(300))
        .build();
  }

  /**
   * A healthy HTTPS check with every phase, timed to fractions of a millisecond, and a certificate.
   */
  public static TargetResult healthy(String name) {
    return result(name)
        .addresses(address("10.0.1.23"))
        .status(200)
        .timings(
            new Timings(
                Optional.of(ms(2.125)),
                Optional.of(ms(1.5)),
                Optional.of(ms(12.25)),
                Optional.of(ms(30.75)),
                ms(46.625)))
        .certificateDaysRemaining(OptionalLong.of(300))
        .build();
  }

  /** A check that failed at DNS, or later with an address, by reason. */
  public static TargetResult failed(String name, Reason reason) {
    return failed(name, reason, "detail of " + reason);
  }

  public static TargetResult failed(String name, Reason reason, String detail) {
    boolean resolved = resolved(reason);
    return result(name)
        .failure(reason, detail)
        .addresses(resolved ? List.of(address("10.0.1.23"), address("10.0.2.40")) : List.of())
        .timings(
            new Timings(
                resolved ? Optional.of(Duration.ofMillis(3)) : Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Duration.ofMillis(4)))
        .build();
  }

  /** A check that failed for {@code reason} after the phases given completed, without address. */
  public static TargetResult failed(
      String name, Reason reason, Timings timings, OptionalLong days) {
    return result(name)
        .failure(reason, "test failure")
        .timings(timings)
        .certificateDaysRemaining(days)
        .build();
  }

  /** Whether a check failing for {@code reason} got as far as an address. */
  public static boolean resolved(Reason reason) {
    return switch (reason) {
      case NXDOMAIN, DNS_NODATA, DNS_ERROR, DNS_TIMEOUT -> false;
      default -> true;
    };
  }

  /**
   * A target of three addresses, one per zone, whose second ({@code 10.0.2.17}) gives no TCP
   * answer: as the checker reports one broken zone.
   */
  public static TargetResult oneZoneBroken(String name) {
    Failure timeout = new Failure(Reason.CONNECT_TIMEOUT, "no TCP answer within 5000 ms");
    List<EndpointResult> endpoints =
        List.of(
            healthyEndpoint("10.0.1.23", 1, 12, 30),
            new EndpointResult(
                address("10.0.2.17"),
                Optional.empty(),
                Optional.of(timeout),
                OptionalInt.empty(),
                new Timings(
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Duration.ofMillis(5000)),
                OptionalLong.empty()),
            healthyEndpoint("10.0.3.5", 2, 15, 28));
    return new TargetResult(
        target(name),
        Optional.of(
            new Failure(
                Reason.CONNECT_TIMEOUT,
                "10.0.2.17:443 (1 of 3 addresses): no TCP answer within 5000 ms")),
        endpoints.stream().map(EndpointResult::address).toList(),
        OptionalInt.empty(),
        new Timings(
            Optional.of(Duration.ofMillis(2)),
            Optional.of(Duration.ofMillis(2)),
            Optional.of(Duration.ofMillis(15)),
            Optional.of(Duration.ofMillis(30)),
            Duration.ofMillis(5003)),
        OptionalLong.of(300),
        Optional.empty(),
        endpoints,
        Optional.empty());
  }

  private static EndpointResult healthyEndpoint(
      String address, long connectMs, long tlsMs, long ttfbMs) {
    return new EndpointResult(
        address(address),
        Optional.empty(),
        Optional.empty(),
        OptionalInt.of(200),
        new Timings(
            Optional.empty(),
            Optional.of(Duration.ofMillis(connectMs)),
            Optional.of(Duration.ofMillis(tlsMs)),
            Optional.of(Duration.ofMillis(ttfbMs)),
            Duration.ofMillis(connectMs + tlsMs + ttfbMs)),
        OptionalLong.of(300));
  }

  public static Report report(Instant startedAt, TargetResult... results) {
    return new Report(startedAt, Duration.ofMillis(50), List.of(results));
  }

  /** A report started at {@link #STARTED_AT}. */
  public static Report report(TargetResult... results) {
    return new Report(STARTED_AT, ms(50), List.of(results));
  }

  /**
   * A report of {@code count} healthy targets: 7 data points each, plus UnhealthyTargets and
   * SilencedTargets.
   */
  public static Report healthyTargets(int count) {
    return sized(count, 0, "target-%03d");
  }

  /** A report of healthy targets (7 data points each) and NXDOMAIN ones (3 each), plus 1. */
  public static Report sized(int healthy, int failed) {
    return sized(healthy, failed, "healthy-%03d");
  }

  private static Report sized(int healthy, int failed, String healthyNames) {
    List<TargetResult> results = new ArrayList<>();
    for (int i = 0; i < healthy; i++) {
      results.add(healthy(String.format(healthyNames, i)));
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
  public static Report mixed() {
    return report(
        healthy("prefect-api"),
        failed(
            "prefect-ui",
            Reason.NXDOMAIN,
            new Timings(
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), ms(3.5)),
            OptionalLong.empty()));
  }

  public static Duration ms(double millis) {
    return Duration.ofNanos(Math.round(millis * 1_000_000));
  }

  public static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  /** One result as the report's JSON writes it, in a report of its own that published nothing. */
  public static JsonNode resultJson(TargetResult result) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = Json.factory().createGenerator(text)) {
      ReportJson.write(
          new Pipeline.Outcome(
              report(Instant.parse("2026-11-24T16:00:00Z"), result),
              false,
              Optional.empty(),
              Optional.empty()),
          json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      return new ObjectMapper().readTree(text.toString()).get("results").get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
