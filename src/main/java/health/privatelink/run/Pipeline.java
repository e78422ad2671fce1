package health.privatelink.run;

import health.privatelink.Background;
import health.privatelink.BadInputException;
import health.privatelink.Deadline;
import health.privatelink.Log;
import health.privatelink.alert.AlertDeadlines;
import health.privatelink.alert.AlertOutcome;
import health.privatelink.alert.AlertRun;
import health.privatelink.alert.Alerter;
import health.privatelink.alert.StateStoreException;
import health.privatelink.alert.TestAlert;
import health.privatelink.check.Checker;
import health.privatelink.check.EndpointResult;
import health.privatelink.check.Report;
import health.privatelink.check.Silence;
import health.privatelink.check.TargetResult;
import health.privatelink.check.Timings;
import health.privatelink.config.Target;
import health.privatelink.diagnose.Diagnoser;
import health.privatelink.publish.MetricsOutcome;
import health.privatelink.publish.MetricsPublisher;
import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One run as the function does it: check every target, diagnose the failed ones, then send metrics
 * and alerts side by side, all inside the run's deadline. The Lambda handler and {@code --publish}
 * on the command line both go through here, so they send the same thing.
 */
public final class Pipeline {
  private final Checker checker;
  private final Diagnoser diagnoser;
  private final MetricsPublisher metrics;
  private final Alerter alerter;
  private final Log log;

  /**
   * Whether the next run is the first of this process (or of this snapshot's restore): its timings
   * are then the first through every code path, however well primed.
   */
  private final AtomicBoolean coldStart = new AtomicBoolean(true);

  public Pipeline(
      Checker checker,
      Diagnoser diagnoser,
      MetricsPublisher metrics,
      Alerter alerter,
      PrintStream stdout) {
    this.checker = checker;
    this.diagnoser = diagnoser;
    this.metrics = metrics;
    this.alerter = alerter;
    this.log = new Log(stdout);
  }

  /**
   * Starts, in the background, the set-up the first run would otherwise wait for after its checks
   * (the CloudWatch client, built and primed). For the function's init; the command line runs once
   * and gains little from it. Alert state needs none: each run reads it while its checks wait.
   */
  public void prepare() {
    metrics.prepare();
  }

  /**
   * Makes the next run a cold start again: after a SnapStart restore, the first run is the first of
   * a new execution environment.
   */
  public void coldStartAgain() {
    coldStart.set(true);
  }

  /**
   * What one run produced. Metrics and alerts are empty when the run did not publish.
   *
   * @param coldStart whether this was the process's first run (or the first after a restore)
   */
  public record Outcome(
      Report report,
      boolean coldStart,
      Optional<MetricsOutcome> metrics,
      Optional<AlertOutcome> alerts) {}

  /**
   * Checks {@code targets}, diagnoses the failed ones, logs the result and, when {@code publish},
   * sends metrics and alerts; returns by {@code deadline}, which {@link TimePlan} shares out.
   */
  public Outcome run(List<Target> targets, Deadline deadline, boolean publish) {
    boolean cold = coldStart.getAndSet(false);
    TimePlan plan = TimePlan.until(deadline, publish);
    // Alert state does not depend on this run's results: read it while the checks wait.
    Optional<AlertRun> alerting =
        publish
            ? Optional.of(
                alerter.begin(targets.stream().map(Target::name).toList(), plan.alertStateRead()))
            : Optional.empty();
    Report checked = checker.run(targets, plan.checks());
    Deadline diagnosis = plan.diagnosis();
    Report report =
        new Report(
            checked.startedAt(),
            checked.duration(),
            diagnoser.diagnose(checked.results(), TimePlan.diagnosisLookups(diagnosis), diagnosis));
    if (alerting.isEmpty()) {
      // Nothing is published, but a silenced target still reads as silenced in the report.
      report = silenced(report, activeSilences(targets, plan.alertStateRead()));
      logResults(report, cold);
      return new Outcome(report, cold, Optional.empty(), Optional.empty());
    }
    Deadline publishing = plan.publishing();
    AlertDeadlines alertDeadlines = TimePlan.alerting(publishing);
    // The silences came with the alert state, read while the checks waited.
    report = silenced(report, alerting.get().silences(report.startedAt(), alertDeadlines.readBy()));
    logResults(report, cold);
    // Both are bounded by the deadline themselves; a bug in either still surfaces as an error.
    Report measured = cold ? withoutPhaseTimings(report) : report;
    CompletableFuture<MetricsOutcome> sentMetrics =
        Background.virtual(
            "publish-metrics", () -> metrics.publish(measured, TimePlan.metricsCalls(publishing)));
    AlertOutcome alerted = alerting.get().finish(report, alertDeadlines);
    return new Outcome(report, cold, Optional.of(sentMetrics.join()), Optional.of(alerted));
  }

  /**
   * The silences in force among {@code targets}, for a run that does not publish; a store that
   * cannot be read leaves the report without them and says so in the log, never failing the run.
   */
  private Map<String, Silence> activeSilences(List<Target> targets, Deadline by) {
    try {
      return alerter.silences(targets.stream().map(Target::name).toList(), by);
    } catch (StateStoreException e) {
      log.warn("reading silences failed; the report shows none", Map.of("error", e.getMessage()));
      return Map.of();
    }
  }

  /** The report with each result whose target is in {@code silences} marked with its silence. */
  static Report silenced(Report report, Map<String, Silence> silences) {
    if (silences.isEmpty()) {
      return report;
    }
    return new Report(
        report.startedAt(),
        report.duration(),
        report.results().stream()
            .map(r ->
                silences.containsKey(r.target().name())
                    ? r.withSilence(silences.get(r.target().name()))
                    : r)
            .toList());
  }

  /**
   * Does what a silence request asks, among the {@code configured} targets, by {@code deadline} and
   * at most {@link TimePlan#PUBLISHING} from now; checks nothing.
   *
   * @return every silence in force afterwards, in the configuration's order
   * @throws BadInputException naming the field when the request names a target not configured
   * @throws StateStoreException when the state store cannot be read or written in time
   */
  public Map<String, Silence> silence(
      SilenceRequest request, List<Target> configured, Deadline deadline) {
    List<String> names = configured.stream().map(Target::name).toList();
    request.requireConfigured(names);
    Deadline by = deadline.min(Deadline.after(TimePlan.PUBLISHING));
    return switch (request) {
      case SilenceRequest.Start start ->
          alerter.silence(
              start.targets(),
              new Silence(Instant.now().plus(Duration.ofMinutes(start.minutes())), start.reason()),
              names,
              by);
      case SilenceRequest.Active active -> alerter.silences(names, by);
      case SilenceRequest.Clear clear -> alerter.unsilence(clear.targets(), names, by);
    };
  }

  /**
   * The report as a cold start's metrics see it: the phase timings (DNS, connect, TLS, first byte)
   * left out, the total kept. Even primed, a first run's phases measured above the contract's bound
   * (twice a warm run's plus 15 ms; figures in docs/performance.md), so publishing them would draw
   * the checker's own start-up as latency spikes. The report itself keeps them.
   */
  static Report withoutPhaseTimings(Report report) {
    return new Report(
        report.startedAt(),
        report.duration(),
        report.results().stream()
            .map(r ->
                new TargetResult(
                    r.target(),
                    r.failure(),
                    r.addresses(),
                    r.status(),
                    totalOnly(r.timings()),
                    r.certificateDaysRemaining(),
                    r.diagnosis(),
                    r.endpoints().stream()
                        .map(e ->
                            new EndpointResult(
                                e.address(),
                                e.zone(),
                                e.failure(),
                                e.status(),
                                totalOnly(e.timings()),
                                e.certificateDaysRemaining()))
                        .toList(),
                    r.silenced()))
            .toList());
  }

  private static Timings totalOnly(Timings timings) {
    return new Timings(
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), timings.total());
  }

  /**
   * Sends one test message through the alerts' delivery, by {@code deadline} and at most {@link
   * TimePlan#PUBLISHING} from now; checks nothing and touches no alert state.
   *
   * @param origin where it is sent from: the function's name and region, or the host name
   */
  public TestAlert testAlert(String origin, Deadline deadline) {
    return alerter.test(origin, deadline.min(Deadline.after(TimePlan.PUBLISHING)));
  }

  private void logResults(Report report, boolean coldStart) {
    for (TargetResult r : report.results()) {
      if (r.healthy()) {
        continue;
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("target", r.target().name());
      fields.put("url", r.target().displayUrl());
      fields.put("reason", r.failure().orElseThrow().reason().name());
      fields.put("detail", r.failure().orElseThrow().detail());
      fields.put("hint", r.failure().orElseThrow().reason().hint());
      fields.put("addresses", r.addresses().stream().map(InetAddress::getHostAddress).toList());
      r.diagnosis().ifPresent(d -> fields.put("diagnosis", d));
      r.silenced().ifPresent(silence -> fields.put("silenced", silenced(silence)));
      log.warn("target unhealthy", fields);
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("healthy", report.healthy());
    summary.put("targets", report.results().size());
    summary.put("unhealthyTargets", report.unhealthyCount());
    summary.put("durationMs", report.duration().toMillis());
    summary.put(
        "unhealthy",
        report.results().stream().filter(r -> !r.healthy()).map(r -> r.target().name()).toList());
    Map<String, Object> silenced = new LinkedHashMap<>();
    for (TargetResult r : report.results()) {
      r.silenced().ifPresent(silence -> silenced.put(r.target().name(), silenced(silence)));
    }
    if (!silenced.isEmpty()) {
      summary.put("silenced", silenced);
    }
    summary.put("coldStart", coldStart);
    log.info("check finished", summary);
  }

  private static Map<String, Object> silenced(Silence silence) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("until", silence.until().toString());
    fields.put("reason", silence.reason());
    return fields;
  }
}
