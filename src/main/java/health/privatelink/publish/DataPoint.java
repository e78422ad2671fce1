package health.privatelink.publish;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One value of one metric, in the shape both outputs share: the PutMetricData call and the EMF
 * lines are written from the same list, so they cannot disagree.
 *
 * @param name the metric name, as the contract spells it
 * @param dimensions in the order they are written; empty for run-wide metrics
 * @param unit the CloudWatch unit
 * @param value the value
 * @param timestamp when it was measured: the run's start
 */
record DataPoint(
    String name, List<Dimension> dimensions, Unit unit, double value, Instant timestamp) {

  DataPoint {
    Objects.requireNonNull(name, "name");
    dimensions = List.copyOf(dimensions);
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(timestamp, "timestamp");
    if (!Double.isFinite(value)) {
      // CloudWatch rejects NaN and infinities; one would fail the whole call.
      throw new IllegalArgumentException(name + " must be a finite number, got " + value);
    }
  }

  /** A dimension of a data point: name and value. */
  record Dimension(String name, String value) {
    Dimension {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  /** The CloudWatch units this project publishes, with the names CloudWatch and EMF use. */
  enum Unit {
    NONE("None"),
    COUNT("Count"),
    MILLISECONDS("Milliseconds");

    private final String cloudWatchName;

    Unit(String cloudWatchName) {
      this.cloudWatchName = cloudWatchName;
    }

    /** The unit as CloudWatch spells it, e.g. {@code Milliseconds}. */
    String cloudWatchName() {
      return cloudWatchName;
    }
  }
}
