package health.privatelink.testing;

import health.privatelink.Failure;
import health.privatelink.Reason;
import health.privatelink.check.EndpointResult;
import health.privatelink.check.Report;
import health.privatelink.check.TargetResult;
import health.privatelink.check.Timings;
import health.privatelink.config.Target;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/** Builds reports the way the checker would, without running a check. */
public final class TestReports {
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

  /** A check that passed: resolved, connected, answered 200. */
  public static TargetResult passed(String name) {
    return new TargetResult(
        target(name),
        Optional.empty(),
        List.of(address("10.0.1.23")),
        OptionalInt.of(200),
        new Timings(
            Optional.of(Duration.ofMillis(2)),
            Optional.of(Duration.ofMillis(1)),
            Optional.of(Duration.ofMillis(12)),
            Optional.of(Duration.ofMillis(30)),
            Duration.ofMillis(45)),
        OptionalLong.of(300),
        Optional.empty(),
        List.of());
  }

  /** A check that failed at DNS, or later with an address, by reason. */
  public static TargetResult failed(String name, Reason reason) {
    return failed(name, reason, "detail of " + reason);
  }

  public static TargetResult failed(String name, Reason reason, String detail) {
    boolean resolved =
        switch (reason) {
          case NXDOMAIN, DNS_NODATA, DNS_ERROR, DNS_TIMEOUT -> false;
          default -> true;
        };
    return new TargetResult(
        target(name),
        Optional.of(new Failure(reason, detail)),
        resolved ? List.of(address("10.0.1.23"), address("10.0.2.40")) : List.of(),
        OptionalInt.empty(),
        new Timings(
            resolved ? Optional.of(Duration.ofMillis(3)) : Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Duration.ofMillis(4)),
        OptionalLong.empty(),
        Optional.empty(),
        List.of());
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
        endpoints);
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

  public static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }
}
