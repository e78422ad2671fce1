package health.privatelink.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.NullNode;
import health.privatelink.Json;
import health.privatelink.publish.DataPoint.Dimension;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.exception.InvalidNamespaceException;
import software.amazon.cloudwatchlogs.emf.exception.InvalidTimestampException;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.model.Unit;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/**
 * Writes data points as CloudWatch Embedded Metric Format lines through AWS's own library, {@code
 * aws-embedded-metrics} (the one Powertools' metrics build on; kept because it was measured not to
 * cost the cold start, docs/performance.md): one {@link MetricsLogger} per line, flushed to the
 * given consumer, never to the library's environment detection or console.
 *
 * <p>A line of the library is one directive with one dimension set, so lines are grouped by a data
 * point's whole dimension list. A run is a line per target ({@code Target}: its status, duration,
 * phases, certificate and unhealthy addresses), for a failed target a second line holding only its
 * {@code HealthCheckFailure} ({@code Target} and {@code Reason}), and one line for the run's counts
 * (no dimension). A line never holds a metric name twice; the library splits a line of more than
 * 100 metrics itself. The order of the members within a line is the library's.
 *
 * <p>A target's logged measurements ({@link Metrics#logged}, in {@code lean}) ride on its {@code
 * Target} line as plain properties: CloudWatch extracts no metric from them, Logs Insights reads
 * them. An absent measurement is written as {@code null}, as in the report.
 *
 * <p>The library refuses a timestamp more than 14 days before or 2 hours after this host's clock
 * (the window in which CloudWatch takes a data point at all) and a namespace with a space (which
 * {@code METRICS_NAMESPACE} refuses at start for that reason). Such a line is not written, and
 * {@link Written} says how many data points were left out and why, so the publisher reports it as
 * it reports a failed PutMetricData. Any other refusal would be a bug here, and is thrown.
 */
final class Emf {
  /** Stands in for the library's default dimensions, which no line here uses. */
  private static final String SERVICE = "privatelink-health";

  private Emf() {}

  /**
   * What {@link #write} wrote.
   *
   * @param dataPoints how many of the data points the written lines carry
   * @param carried the targets whose logged measurements are on a written line
   * @param error why the other data points were not written, when some were not
   */
  record Written(int dataPoints, Set<String> carried, Optional<String> error) {
    Written {
      carried = Set.copyOf(carried);
      Objects.requireNonNull(error, "error");
    }
  }

  /**
   * Writes the lines for these data points to {@code out}, one call a line, in the order the points
   * were given, with each target's logged measurements on its {@code Target} line (or, when its
   * points here have none, its first line); a target without a data point here gets none.
   */
  static Written write(
      String namespace, List<DataPoint> points, List<Metrics.Logged> logged, Consumer<String> out) {
    Map<List<Dimension>, List<Line>> groups = new LinkedHashMap<>();
    List<Line> lines = new ArrayList<>();
    for (DataPoint point : points) {
      // A line's dimensions and metrics are members of one object: a metric named like one of its
      // own dimensions would overwrite the dimension's value. Metrics.NAMES never does: a bug.
      if (point.dimensions().stream().anyMatch(d -> d.name().equals(point.name()))) {
        throw new IllegalArgumentException(
            "metric " + point.name() + " is named like one of its own dimensions");
      }
      List<Line> candidates = groups.computeIfAbsent(point.dimensions(), d -> new ArrayList<>());
      Line line = candidates.stream().filter(l -> l.accepts(point)).findFirst().orElse(null);
      if (line == null) {
        line = new Line(point.timestamp(), point.dimensions());
        candidates.add(line);
        lines.add(line);
      }
      line.add(point);
    }
    for (Metrics.Logged target : logged) {
      Dimension dimension = new Dimension(Metrics.TARGET, target.target());
      groups.getOrDefault(List.of(dimension), List.of()).stream()
          .findFirst()
          .or(() ->
              lines.stream()
                  .filter(l -> l.dimensions.stream().findFirst().equals(Optional.of(dimension)))
                  .findFirst())
          .ifPresent(l -> l.logged = Optional.of(target));
    }

    Environment environment = new StreamEnvironment(new StreamSink(out));
    int written = 0;
    Set<String> carried = new HashSet<>();
    Map<String, Integer> refused = new LinkedHashMap<>();
    for (Line line : lines) {
      Optional<String> refusal = line.write(namespace, environment);
      if (refusal.isPresent()) {
        refused.merge(refusal.get(), line.points.size(), Integer::sum);
      } else {
        written += line.points.size();
        line.logged.ifPresent(l -> carried.add(l.target()));
      }
    }
    Optional<String> error =
        refused.isEmpty()
            ? Optional.empty()
            : Optional.of(
                refused.entrySet().stream()
                    .map(e -> e.getValue() + " data points not written as EMF: " + e.getKey())
                    .collect(Collectors.joining("; ")));
    return new Written(written, carried, error);
  }

  /** One EMF line being filled: data points of one dimension list and one timestamp. */
  private static final class Line {
    private final Instant timestamp;
    private final List<Dimension> dimensions;
    private final List<DataPoint> points = new ArrayList<>();
    private final Set<String> metricNames = new HashSet<>();
    private Optional<Metrics.Logged> logged = Optional.empty();

    Line(Instant timestamp, List<Dimension> dimensions) {
      this.timestamp = timestamp;
      this.dimensions = dimensions;
    }

    boolean accepts(DataPoint point) {
      return point.timestamp().equals(timestamp) && !metricNames.contains(point.name());
    }

    void add(DataPoint point) {
      metricNames.add(point.name());
      points.add(point);
    }

    /** Writes the line through the library; empty, or why the library would not write it. */
    Optional<String> write(String namespace, Environment environment) {
      MetricsLogger logger = new MetricsLogger(environment);
      try {
        logger.setNamespace(namespace);
      } catch (InvalidNamespaceException e) {
        return Optional.of("namespace " + Json.quote(namespace) + ": " + e.getMessage());
      }
      try {
        logger.setTimestamp(timestamp);
      } catch (InvalidTimestampException e) {
        return Optional.of("timestamp " + timestamp + ": " + e.getMessage());
      }
      DimensionSet set = new DimensionSet();
      for (Dimension d : dimensions) {
        set.addDimension(d.name(), d.value());
      }
      // setDimensions drops the library's default dimensions (LogGroup, ServiceName, ServiceType).
      logger.setDimensions(set);
      for (DataPoint point : points) {
        logger.putMetric(point.name(), point.value(), unit(point.unit()));
      }
      logged.ifPresent(l ->
          l.properties()
              .forEach((name, value) -> {
                // The library keeps properties in a ConcurrentHashMap, which takes no null; Jackson
                // writes NullNode as null. Nulls inside a property's map are written as they are.
                logger.putProperty(name, value == null ? NullNode.getInstance() : value);
              }));
      logger.flush();
      return Optional.empty();
    }
  }

  private static Unit unit(DataPoint.Unit unit) {
    return switch (unit) {
      case NONE -> Unit.NONE;
      case COUNT -> Unit.COUNT;
      case MILLISECONDS -> Unit.MILLISECONDS;
    };
  }

  /** The library's sink: each serialized line to the given consumer. */
  private record StreamSink(Consumer<String> out) implements ISink {
    @Override
    public void accept(MetricsContext context) {
      try {
        context.serialize().forEach(out);
      } catch (JsonProcessingException e) {
        // Serializing numbers, strings and maps of them does not fail; this would be a bug.
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public CompletableFuture<Void> shutdown() {
      return CompletableFuture.completedFuture(null);
    }
  }

  /**
   * A fixed environment: no detection (which would probe the network), no Lambda properties added
   * to the lines, and the sink above.
   */
  private record StreamEnvironment(ISink sink) implements Environment {
    @Override
    public boolean probe() {
      return true;
    }

    @Override
    public String getName() {
      return SERVICE;
    }

    @Override
    public String getType() {
      return SERVICE;
    }

    @Override
    public String getLogGroupName() {
      return SERVICE;
    }

    @Override
    public void configureContext(MetricsContext context) {
      // Adds nothing: the lines carry only this project's metrics and properties.
    }

    @Override
    public ISink getSink() {
      return sink;
    }
  }
}
