package health.privatelink.alert;

import health.privatelink.Deadline;
import health.privatelink.Reason;
import health.privatelink.check.Report;
import health.privatelink.run.TimePlan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A run sequence for table tests, written as on-call would sketch it: {@code "F F F P P"} is three
 * failed runs then two passing ones, a minute apart; {@code F@59.5} places a run at minute 59.5;
 * {@code F:TLS_ERROR} names the reason (NXDOMAIN otherwise). {@link #alert} runs one run's
 * alerting.
 */
record Runs(List<Run> runs) {
  static final Instant START = Instant.parse("2025-06-03T14:00:00Z");

  record Run(Instant at, Optional<Reason> failure) {}

  static Runs parse(String sequence) {
    List<Run> runs = new ArrayList<>();
    double minute = -1;
    for (String token : sequence.trim().split("\\s+")) {
      String spec = token;
      Optional<Reason> reason = Optional.of(Reason.NXDOMAIN);
      int colon = spec.indexOf(':');
      if (colon >= 0) {
        reason = Optional.of(Reason.valueOf(spec.substring(colon + 1)));
        spec = spec.substring(0, colon);
      }
      int at = spec.indexOf('@');
      minute = at >= 0 ? Double.parseDouble(spec.substring(at + 1)) : minute + 1;
      String outcome = at >= 0 ? spec.substring(0, at) : spec;
      Instant when = START.plus(Duration.ofMillis(Math.round(minute * 60_000)));
      runs.add(
          switch (outcome) {
            case "F" -> new Run(when, reason);
            case "P" -> new Run(when, Optional.empty());
            default -> throw new IllegalArgumentException("F or P, got " + token);
          });
    }
    return new Runs(runs);
  }

  /**
   * One run's alerting with {@code publishing} as its publishing time, shared out by the run's
   * {@link TimePlan}. It is begun for no targets, so the state is read when the report is in, at
   * the report's time: these runs keep a clock of their own, and a read begun ahead would judge the
   * stored state's expiry by the real one.
   */
  static AlertOutcome alert(Alerter alerter, Report report, Deadline publishing) {
    return alerter.begin(List.of(), publishing).finish(report, TimePlan.alerting(publishing));
  }

  /** The expected events, one token per run: {@code -} for none. */
  static List<Optional<AlertEvent>> events(String expected) {
    List<Optional<AlertEvent>> events = new ArrayList<>();
    for (String token : expected.trim().split("\\s+")) {
      events.add(token.equals("-") ? Optional.empty() : Optional.of(AlertEvent.valueOf(token)));
    }
    return events;
  }
}
