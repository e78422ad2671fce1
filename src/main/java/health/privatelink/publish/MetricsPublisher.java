package health.privatelink.publish;

import health.privatelink.Deadline;
import health.privatelink.Log;
import health.privatelink.aws.AwsClients;
import health.privatelink.aws.Priming;
import health.privatelink.check.Report;
import health.privatelink.config.MetricsDetail;
import health.privatelink.config.MetricsMode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/**
 * Publishes a run's metrics as {@code METRICS_MODE} says: PutMetricData with EMF lines on standard
 * output as the fallback, EMF lines only, or nothing; and, as {@code METRICS_DETAIL} says, every
 * metric or the lean set with the rest written to the log. Never throws for a publishing failure
 * and never outlasts the deadline it is given.
 *
 * <p>One instance lives as long as the process; it builds the CloudWatch client on the first run
 * that needs it and keeps it for the next runs.
 */
public final class MetricsPublisher implements AutoCloseable {
  private final MetricsMode mode;
  private final MetricsDetail detail;
  private final String namespace;
  private final Supplier<CloudWatchClient> clientFactory;
  private final PrintStream stdout;
  private final Log log;
  private CloudWatchClient client;

  /**
   * @param mode how metrics leave the function
   * @param detail every metric, or the lean set with the rest as log properties
   * @param namespace the CloudWatch namespace
   * @param client makes the CloudWatch client; called at most once, on the first run in {@code api}
   *     mode, and again only if it failed
   * @param stdout where EMF lines go: standard output in the function
   * @param log where a failed call is reported
   */
  public MetricsPublisher(
      MetricsMode mode,
      MetricsDetail detail,
      String namespace,
      Supplier<CloudWatchClient> client,
      PrintStream stdout,
      Log log) {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.detail = Objects.requireNonNull(detail, "detail");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.clientFactory = Objects.requireNonNull(client, "client");
    this.stdout = Objects.requireNonNull(stdout, "stdout");
    this.log = Objects.requireNonNull(log, "log");
  }

  /** A publisher of every metric ({@code METRICS_DETAIL=full}). */
  public MetricsPublisher(
      MetricsMode mode,
      String namespace,
      Supplier<CloudWatchClient> client,
      PrintStream stdout,
      Log log) {
    this(mode, MetricsDetail.FULL, namespace, client, stdout, log);
  }

  /** Makes the CloudWatch client this publisher needs, from the one factory. */
  public static Supplier<CloudWatchClient> cloudWatch(AwsClients aws) {
    return () -> CloudWatchApi.client(aws);
  }

  /**
   * In {@code api} mode, starts building the CloudWatch client on a background thread and primes it
   * with a call stopped before sending ({@link CloudWatchApi#prime}), so that the first run's
   * publish finds it ready: together they load about a thousand SDK classes, which then happens
   * while the checks wait on the network instead of after them. A failure here is left for the
   * first publish to meet and report.
   *
   * @return the background work's completion, for tests to wait on; empty when there is nothing to
   *     prepare
   */
  public Optional<CompletableFuture<Void>> prepare() {
    if (mode != MetricsMode.API) {
      return Optional.empty();
    }
    return Optional.of(
        Priming.inBackground("cloudwatch-client", () -> CloudWatchApi.prime(client(), namespace)));
  }

  /**
   * Publishes the report's data points; a failure is recorded in the outcome, never thrown. The
   * calls end by {@code deadline}; the points they did not send are then written as EMF lines, for
   * which the run's time plan leaves room after it.
   *
   * <p>In {@code lean} the measurements that are not metrics go out too: on the target's EMF line,
   * or, for a target whose data points PutMetricData took, as one {@code target timings} log line.
   */
  public MetricsOutcome publish(Report report, Deadline deadline) {
    String modeName = mode.name().toLowerCase(Locale.ROOT);
    return switch (mode) {
      case OFF -> new MetricsOutcome(modeName, 0, 0, 0, Optional.empty());
      case EMF -> {
        List<DataPoint> points = Metrics.of(report, detail);
        writeEmf(points, Metrics.logged(report, detail));
        yield new MetricsOutcome(modeName, points.size(), 0, points.size(), Optional.empty());
      }
      case API ->
          publishByApi(
              modeName, Metrics.of(report, detail), Metrics.logged(report, detail), deadline);
    };
  }

  private MetricsOutcome publishByApi(
      String modeName, List<DataPoint> points, List<Metrics.Logged> logged, Deadline deadline) {
    CloudWatchApi.Sent sent;
    Duration left = deadline.remaining();
    if (left.compareTo(CloudWatchApi.MIN_CALL_TIME) < 0) {
      // Not even building the client: on a cold start that alone can outlast what is left.
      sent =
          new CloudWatchApi.Sent(
              0,
              Optional.of(
                  "PutMetricData not attempted: " + left.toMillis() + " ms left in the run"));
    } else {
      sent = send(points, deadline);
    }
    List<DataPoint> unsent = points.subList(sent.dataPoints(), points.size());
    if (sent.error().isPresent()) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("namespace", namespace);
      fields.put("dataPoints", points.size());
      fields.put("sentByApi", sent.dataPoints());
      fields.put("writtenAsEmf", unsent.size());
      fields.put("error", sent.error().get());
      log.warn("PutMetricData failed; writing the data points as EMF instead", fields);
    }
    // Each target's logged measurements are written once: on its EMF line when the fallback writes
    // one, else as a log line of their own.
    Set<String> onEmfLines =
        unsent.stream()
            .flatMap(p -> p.dimensions().stream().limit(1))
            .filter(d -> d.name().equals(Metrics.TARGET))
            .map(DataPoint.Dimension::value)
            .collect(Collectors.toSet());
    for (Metrics.Logged target : logged) {
      if (!onEmfLines.contains(target.target())) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("target", target.target());
        fields.putAll(target.properties());
        log.info("target timings", fields);
      }
    }
    writeEmf(unsent, logged);
    return new MetricsOutcome(
        modeName, points.size(), sent.dataPoints(), unsent.size(), sent.error());
  }

  private CloudWatchApi.Sent send(List<DataPoint> points, Deadline deadline) {
    try {
      CloudWatchClient cloudWatch = client();
      return CloudWatchApi.send(cloudWatch, namespace, points, deadline);
    } catch (RuntimeException e) {
      // send() turns every failed call into a value, so only building the client lands here (no
      // region, a malformed endpoint override). The next run tries again; this run's data
      // points still go out as EMF.
      return new CloudWatchApi.Sent(
          0, Optional.of("CloudWatch client could not be built: " + e.getMessage()));
    }
  }

  private void writeEmf(List<DataPoint> points, List<Metrics.Logged> logged) {
    for (String line : Emf.lines(namespace, points, logged)) {
      stdout.println(line);
    }
  }

  private synchronized CloudWatchClient client() {
    if (client == null) {
      client = clientFactory.get();
    }
    return client;
  }

  /** Closes the CloudWatch client, if one was built. */
  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
