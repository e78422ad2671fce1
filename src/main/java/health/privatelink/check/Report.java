package health.privatelink.check;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One run over every target: the results in configuration order.
 *
 * @param startedAt when the run started; metrics are stamped with it
 * @param duration how long the checks took
 * @param results one per target, in the order they were configured
 */
public record Report(Instant startedAt, Duration duration, List<TargetResult> results) {
  public Report {
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(duration, "duration");
    results = List.copyOf(results);
  }

  /** Whether every target is healthy. */
  public boolean healthy() {
    return results.stream().allMatch(TargetResult::healthy);
  }

  /** How many targets failed. */
  public int unhealthyCount() {
    return (int) results.stream().filter(r -> !r.healthy()).count();
  }
}
