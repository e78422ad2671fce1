package health.privatelink.publish;

import com.fasterxml.jackson.core.JsonGenerator;
import health.privatelink.Json;
import health.privatelink.publish.DataPoint.Dimension;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes data points as CloudWatch Embedded Metric Format lines: one JSON object per line that
 * CloudWatch Logs turns into the same metrics PutMetricData would have made.
 *
 * <p>Lines are grouped by their first dimension, so a run prints one line per target (its {@code
 * HealthCheckFailure} in a second directive with {@code Target} and {@code Reason}) and one line
 * for run-wide metrics. A line never holds a metric name twice, never more than {@value
 * #MAX_METRICS_PER_DIRECTIVE} metrics in one directive, and never two values for one dimension.
 *
 * <p>Written by hand because AWS's {@code aws-embedded-metrics} library (4.2.0) was measured to
 * cost the cold start: built with it, the function's cold start was 1326-1462 ms against 1176-1194
 * ms (15 cold starts each, two alternated runs; docs/performance.md), most of it Jackson databind
 * and the library loaded at init, where the priming writes EMF. It also writes a failed target's
 * {@code HealthCheckFailure} on a line of its own and refuses namespaces CloudWatch takes.
 *
 * <p>A target's logged measurements ({@link Metrics#logged}, in {@code lean}) ride on its first
 * line as plain properties: CloudWatch extracts no metric from them, Logs Insights reads them.
 */
final class Emf {
  /** The EMF specification's limit of metric definitions in one directive. */
  static final int MAX_METRICS_PER_DIRECTIVE = 100;

  private Emf() {}

  /**
   * The lines for these data points, in the order the points were given, with each target's logged
   * measurements on its first line; a target without a data point here gets none.
   */
  static List<String> lines(String namespace, List<DataPoint> points, List<Metrics.Logged> logged) {
    Map<Optional<Dimension>, List<Line>> groups = new LinkedHashMap<>();
    List<Line> lines = new ArrayList<>();
    for (DataPoint point : points) {
      Optional<Dimension> group = point.dimensions().stream().findFirst();
      List<Line> candidates = groups.computeIfAbsent(group, g -> new ArrayList<>());
      Line line = candidates.stream().filter(l -> l.accepts(point)).findFirst().orElse(null);
      if (line == null) {
        line = new Line(point.timestamp());
        candidates.add(line);
        lines.add(line);
      }
      line.add(point);
    }
    for (Metrics.Logged target : logged) {
      List<Line> candidates =
          groups.getOrDefault(
              Optional.of(new Dimension(Metrics.TARGET, target.target())), List.of());
      if (!candidates.isEmpty()) {
        candidates.getFirst().properties.putAll(target.properties());
      }
    }
    return lines.stream().map(line -> line.render(namespace)).toList();
  }

  /** One EMF document being filled: its root members and its directives by dimension keys. */
  private static final class Line {
    private final Instant timestamp;
    private final Map<String, String> dimensionValues = new LinkedHashMap<>();
    private final Map<List<String>, List<DataPoint>> directives = new LinkedHashMap<>();
    private final Set<String> metricNames = new HashSet<>();
    private final Map<String, Object> properties = new LinkedHashMap<>();

    Line(Instant timestamp) {
      this.timestamp = timestamp;
    }

    boolean accepts(DataPoint point) {
      if (!point.timestamp().equals(timestamp)
          || metricNames.contains(point.name())
          || dimensionValues.containsKey(point.name())) {
        return false;
      }
      for (Dimension d : point.dimensions()) {
        String value = dimensionValues.get(d.name());
        if ((value != null && !value.equals(d.value())) || metricNames.contains(d.name())) {
          return false;
        }
      }
      List<DataPoint> directive = directives.get(keys(point));
      return directive == null || directive.size() < MAX_METRICS_PER_DIRECTIVE;
    }

    void add(DataPoint point) {
      for (Dimension d : point.dimensions()) {
        dimensionValues.put(d.name(), d.value());
      }
      directives.computeIfAbsent(keys(point), k -> new ArrayList<>()).add(point);
      metricNames.add(point.name());
    }

    private static List<String> keys(DataPoint point) {
      return point.dimensions().stream().map(Dimension::name).toList();
    }

    String render(String namespace) {
      StringWriter text = new StringWriter();
      try (JsonGenerator json = Json.factory().createGenerator(text)) {
        json.writeStartObject();
        json.writeObjectFieldStart("_aws");
        json.writeNumberField("Timestamp", timestamp.toEpochMilli());
        json.writeArrayFieldStart("CloudWatchMetrics");
        for (Map.Entry<List<String>, List<DataPoint>> directive : directives.entrySet()) {
          json.writeStartObject();
          json.writeStringField("Namespace", namespace);
          json.writeArrayFieldStart("Dimensions");
          json.writeStartArray();
          for (String key : directive.getKey()) {
            json.writeString(key);
          }
          json.writeEndArray();
          json.writeEndArray();
          json.writeArrayFieldStart("Metrics");
          for (DataPoint point : directive.getValue()) {
            json.writeStartObject();
            json.writeStringField("Name", point.name());
            json.writeStringField("Unit", point.unit().cloudWatchName());
            json.writeEndObject();
          }
          json.writeEndArray();
          json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
        for (Map.Entry<String, String> dimension : dimensionValues.entrySet()) {
          json.writeStringField(dimension.getKey(), dimension.getValue());
        }
        for (List<DataPoint> directive : directives.values()) {
          for (DataPoint point : directive) {
            json.writeNumberField(point.name(), point.value());
          }
        }
        for (Map.Entry<String, Object> property : properties.entrySet()) {
          json.writeFieldName(property.getKey());
          writeProperty(json, property.getValue());
        }
        json.writeEndObject();
      } catch (IOException e) {
        // A StringWriter does not fail; this would be a bug in the generator's use.
        throw new UncheckedIOException(e);
      }
      return text.toString();
    }

    /** A logged measurement: a whole number, {@code null}, or an object of them. */
    private static void writeProperty(JsonGenerator json, Object value) throws IOException {
      switch (value) {
        case null -> json.writeNull();
        case Long n -> json.writeNumber(n);
        case Map<?, ?> map -> {
          json.writeStartObject();
          for (Map.Entry<?, ?> e : map.entrySet()) {
            json.writeFieldName(String.valueOf(e.getKey()));
            writeProperty(json, e.getValue());
          }
          json.writeEndObject();
        }
        default ->
            throw new IllegalArgumentException(
                "not a logged measurement: " + value.getClass().getName());
      }
    }
  }
}
