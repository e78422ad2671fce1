package health.privatelink.run;

import com.fasterxml.jackson.core.JsonGenerator;
import health.privatelink.Deadline;
import health.privatelink.Log;
import health.privatelink.alert.AlertOutcome;
import health.privatelink.alert.Alerter;
import health.privatelink.check.Checker;
import health.privatelink.check.Report;
import health.privatelink.check.ReportJson;
import health.privatelink.check.TargetResult;
import health.privatelink.config.Config;
import health.privatelink.config.Target;
import health.privatelink.diagnose.Diagnoser;
import health.privatelink.diagnose.Ec2QueryClient;
import health.privatelink.diagnose.LocalAddress;
import health.privatelink.diagnose.Scope;
import health.privatelink.dns.DnsResolver;
import health.privatelink.probe.HttpProber;
import health.privatelink.publish.MetricsOutcome;
import health.privatelink.publish.MetricsPublisher;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;

/**
 * One run as the function does it: check every target, diagnose the failed ones, then send metrics
 * and alerts side by side, all inside the run's deadline. The Lambda handler and {@code --publish}
 * on the command line both go through here, so they send the same thing.
 */
public final class Pipeline {
  /** Kept back from the checks for publishing, when the deadline is short. */
  public static final Duration PUBLISH_RESERVE = Duration.ofSeconds(3);

  /** The most publishing may take after the checks, however long the function may still run. */
  public static final Duration PUBLISH_BUDGET = Duration.ofSeconds(10);

  /**
   * The most the diagnosis of failed targets may take; it comes out of the time before the publish
   * reserve, never out of the reserve.
   */
  public static final Duration DIAGNOSIS_BUDGET = Duration.ofSeconds(3);

  private final Checker checker;
  private final Diagnoser diagnoser;
  private final MetricsPublisher metrics;
  private final Alerter alerter;
  private final Log log;

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

  /** Production wiring: the JVM's trust store and resolvers, SDK clients made on first use. */
  public static Pipeline fromConfig(Config config, PrintStream stdout) {
    SSLContext tls;
    try {
      tls = SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no default TLS", e);
    }
    Checker checker =
        new Checker(
            new DnsResolver(DnsServers.resolve(config.dnsServers(), InetAddress::getByName)),
            new HttpProber(tls.getSocketFactory(), Clock.systemUTC()),
            Clock.systemUTC());
    return new Pipeline(
        checker,
        diagnoser(config),
        MetricsPublisher.fromConfig(config, stdout),
        Alerter.fromConfig(config, stdout),
        stdout);
  }

  /**
   * The diagnosis as configured: nothing without VPC_ID or VPC_ENDPOINT_IDS; otherwise EC2 calls
   * made only once a target fails, to {@code AWS_ENDPOINT_URL_EC2} when set.
   */
  private static Diagnoser diagnoser(Config config) {
    Scope scope = Scope.from(config);
    if (!scope.configured()) {
      return Diagnoser.off();
    }
    Optional<URI> endpoint =
        Optional.ofNullable(System.getenv("AWS_ENDPOINT_URL_EC2"))
            .filter(s -> !s.isBlank())
            .map(URI::create);
    return new Diagnoser(() -> Ec2QueryClient.fromDefaults(endpoint), scope, LocalAddress.system());
  }

  /**
   * Starts, in the background, the set-up the first run would otherwise wait for after its checks
   * (the CloudWatch client, built and primed). For the function's init; the command line runs once
   * and gains little from it. Alert state needs none: each run reads it while its checks wait.
   */
  public void prepare() {
    metrics.prepare();
  }

  /** What one run produced. Metrics and alerts are empty when the run did not publish. */
  public record Outcome(
      Report report, Optional<MetricsOutcome> metrics, Optional<AlertOutcome> alerts) {}

  /**
   * Checks {@code targets}, diagnoses the failed ones, logs the result and, when {@code publish},
   * sends metrics and alerts; returns by {@code deadline}.
   */
  public Outcome run(List<Target> targets, Deadline deadline, boolean publish) {
    Duration reserve =
        publish ? min(PUBLISH_RESERVE, deadline.remaining().dividedBy(3)) : Duration.ZERO;
    Deadline beforePublishing = deadline.minus(reserve);
    // Alert state does not depend on this run's results: read it while the checks wait.
    Optional<Alerter.StateRead> stateRead =
        publish
            ? Optional.of(alerter.startRead(targets.stream().map(Target::name).toList(), deadline))
            : Optional.empty();
    Report checked = checker.run(targets, beforePublishing);
    Report report =
        new Report(
            checked.startedAt(),
            checked.duration(),
            diagnoser.diagnose(
                checked.results(), beforePublishing.min(Deadline.after(DIAGNOSIS_BUDGET))));
    logResults(report);
    if (!publish) {
      return new Outcome(report, Optional.empty(), Optional.empty());
    }
    Deadline publishing = deadline.min(Deadline.after(PUBLISH_BUDGET));
    // Both are bounded by the deadline themselves; a bug in either still surfaces as an error.
    CompletableFuture<MetricsOutcome> sentMetrics =
        CompletableFuture.supplyAsync(
            () -> metrics.publish(report, publishing), task -> Thread.ofVirtual().start(task));
    AlertOutcome alerted = alerter.process(report, publishing, stateRead);
    return new Outcome(report, Optional.of(sentMetrics.join()), Optional.of(alerted));
  }

  private void logResults(Report report) {
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
    log.info("check finished", summary);
  }

  /** Writes the contract's report, with what was published, as one JSON object. */
  public static void writeJson(Outcome outcome, JsonGenerator json) throws IOException {
    json.writeStartObject();
    ReportJson.writeFields(outcome.report(), json);
    json.writeFieldName("published");
    if (outcome.metrics().isEmpty() && outcome.alerts().isEmpty()) {
      json.writeNull();
    } else {
      json.writeStartObject();
      json.writeFieldName("metrics");
      if (outcome.metrics().isPresent()) {
        outcome.metrics().get().writeTo(json);
      } else {
        json.writeNull();
      }
      json.writeFieldName("alerts");
      if (outcome.alerts().isPresent()) {
        writeAlerts(outcome.alerts().get(), json);
      } else {
        json.writeNull();
      }
      json.writeEndObject();
    }
    json.writeEndObject();
  }

  private static void writeAlerts(AlertOutcome alerts, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeStringField("state", alerts.state().map(Enum::name).orElse(null));
    json.writeArrayFieldStart("targets");
    for (String target : alerts.targets()) {
      json.writeString(target);
    }
    json.writeEndArray();
    json.writeStringField("delivery", alerts.delivery().name());
    json.writeArrayFieldStart("errors");
    for (String error : alerts.errors()) {
      json.writeString(error);
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
