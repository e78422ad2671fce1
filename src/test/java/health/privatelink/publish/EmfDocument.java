package health.privatelink.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.privatelink.publish.DataPoint.Dimension;
import health.privatelink.publish.DataPoint.Unit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Reads one EMF line back into data points, asserting the rules of the CloudWatch Embedded Metric
 * Format specification on the way, so a line CloudWatch Logs would reject fails the test.
 */
final class EmfDocument {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> DIRECTIVE_KEYS = Set.of("Namespace", "Dimensions", "Metrics");

  private EmfDocument() {}

  /** Whether a line of standard output is an EMF document (the rest are log lines). */
  static boolean isEmf(String line) {
    return line.startsWith("{\"_aws\"");
  }

  /** The data points one line carries, one per directive, dimension set and metric. */
  static List<DataPoint> parse(String line, String expectedNamespace) {
    JsonNode root;
    try {
      root = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
    assertTrue(root.isObject(), "root must be an object: " + line);
    JsonNode aws = root.get("_aws");
    assertNotNull(aws, "_aws is required");
    JsonNode timestamp = aws.get("Timestamp");
    assertTrue(
        timestamp != null && timestamp.isIntegralNumber() && timestamp.asLong() >= 0,
        "_aws.Timestamp must be epoch milliseconds: " + line);
    Instant at = Instant.ofEpochMilli(timestamp.asLong());
    JsonNode directives = aws.get("CloudWatchMetrics");
    assertTrue(
        directives != null && directives.isArray() && !directives.isEmpty(),
        "_aws.CloudWatchMetrics must be a non-empty array: " + line);

    List<DataPoint> points = new ArrayList<>();
    for (JsonNode directive : directives) {
      List<String> keys = new ArrayList<>();
      directive.fieldNames().forEachRemaining(keys::add);
      assertTrue(DIRECTIVE_KEYS.containsAll(keys), "unknown directive members " + keys);
      assertEquals(expectedNamespace, directive.path("Namespace").textValue(), "Namespace");
      JsonNode dimensionSets = directive.get("Dimensions");
      assertTrue(dimensionSets != null && dimensionSets.isArray(), "Dimensions must be an array");
      JsonNode metrics = directive.get("Metrics");
      assertTrue(metrics != null && metrics.isArray(), "Metrics must be an array");
      assertTrue(
          metrics.size() >= 1 && metrics.size() <= 100,
          "a directive holds 1 to 100 metrics, got " + metrics.size());
      for (JsonNode dimensionSet : dimensionSets) {
        assertTrue(dimensionSet.isArray(), "a dimension set is an array");
        assertTrue(dimensionSet.size() <= 30, "at most 30 dimensions in a set");
        List<Dimension> dimensions = new ArrayList<>();
        for (JsonNode key : dimensionSet) {
          JsonNode value = root.get(key.asText());
          assertTrue(
              value != null && value.isTextual(),
              "dimension " + key + " must be a string member of the root: " + line);
          dimensions.add(new Dimension(key.asText(), value.asText()));
        }
        for (JsonNode metric : metrics) {
          String name = metric.path("Name").textValue();
          assertNotNull(name, "a metric definition needs a Name");
          JsonNode value = root.get(name);
          assertTrue(
              value != null && value.isNumber(),
              "metric " + name + " must be a number member of the root: " + line);
          points.add(new DataPoint(name, dimensions, unit(metric), value.asDouble(), at));
        }
      }
    }
    return points;
  }

  private static Unit unit(JsonNode metric) {
    String name = metric.path("Unit").asText("None");
    return Arrays.stream(Unit.values())
        .filter(u -> u.cloudWatchName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("not a unit this project uses: " + name));
  }

  /** Every EMF line of the output, parsed; asserts no metric name repeats within a line. */
  static List<DataPoint> parseAll(List<String> lines, String expectedNamespace) {
    List<DataPoint> points = new ArrayList<>();
    for (String line : lines) {
      List<DataPoint> inLine = parse(line, expectedNamespace);
      assertFalse(inLine.isEmpty(), "an EMF line without data points: " + line);
      assertEquals(
          inLine.size(),
          inLine.stream().map(DataPoint::name).distinct().count(),
          "a metric name twice in one line: " + line);
      points.addAll(inLine);
    }
    return points;
  }
}
