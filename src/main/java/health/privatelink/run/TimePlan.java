package health.privatelink.run;

import health.privatelink.Deadline;
import health.privatelink.Durations;
import health.privatelink.config.Target;
import java.time.Duration;
import java.util.List;

/**
 * The time plan of one run: until when the checks, the diagnosis and the publishing may run. It is
 * made once, from the invocation's deadline, and each stage is handed its part as a {@link
 * Deadline}; no stage splits the time it is given. The contract's bound: a run never overruns the
 * Lambda deadline, publishing included.
 *
 * <pre>
 *   invocation deadline (Lambda: its remaining time less RETURN_MARGIN;
 *   |                    command line: the longest target budget plus what follows it)
 *   |-- checks: until the deadline less the publishing reserve (PUBLISH_RESERVE, at most a third)
 *   |-- diagnosis: DIAGNOSIS from its start, never past the checks' end
 *   `-- publishing: PUBLISHING from its start, never past the deadline; metrics calls stop
 *       EMF_RESERVE early so the unsent points still go out as EMF lines
 * </pre>
 */
public final class TimePlan {
  /**
   * Left at the end of a Lambda invocation for writing the report and returning it: the run's own
   * deadline is this much earlier than Lambda's.
   */
  public static final Duration RETURN_MARGIN = Duration.ofMillis(300);

  /**
   * Kept back from the checks for publishing (at most a third of the run when the deadline is
   * short), so that a check that uses its whole budget still leaves time to report it.
   */
  public static final Duration PUBLISH_RESERVE = Duration.ofSeconds(3);

  /** The most publishing may take after the checks, however long the function may still run. */
  public static final Duration PUBLISHING = Duration.ofSeconds(10);

  /**
   * The most the diagnosis of failed targets may take; it comes out of the checks' time, never out
   * of the publishing reserve.
   */
  public static final Duration DIAGNOSIS = Duration.ofSeconds(3);

  /**
   * Kept back from the metrics calls at the end of publishing, so that the data points a failed or
   * late PutMetricData did not take can still be written as EMF lines.
   */
  public static final Duration EMF_RESERVE = Duration.ofMillis(100);

  private final Deadline end;
  private final Deadline checks;

  private TimePlan(Deadline end, boolean publish) {
    this.end = end;
    Duration reserve =
        publish ? Durations.min(PUBLISH_RESERVE, end.remaining().dividedBy(3)) : Duration.ZERO;
    this.checks = end.minus(reserve);
  }

  /** The plan for a run that must be done by {@code end}, publishing included when asked. */
  static TimePlan until(Deadline end, boolean publish) {
    return new TimePlan(end, publish);
  }

  /** The run's deadline in a Lambda invocation with {@code remaining} time left. */
  public static Deadline lambda(Duration remaining) {
    return Deadline.after(remaining).minus(RETURN_MARGIN);
  }

  /**
   * The run's deadline on the command line, which has no deadline of its own: room for the longest
   * target budget, a diagnosis of a target that used it all, and publishing when asked. Unused time
   * is not waited for.
   */
  public static Deadline commandLine(List<Target> targets, boolean publish) {
    Duration longest = targets.stream().map(Target::timeout).max(Duration::compareTo).orElseThrow();
    Duration budget = longest.plus(DIAGNOSIS);
    if (publish) {
      budget = budget.plus(PUBLISH_RESERVE).plus(PUBLISHING);
    }
    return Deadline.after(budget);
  }

  /** Until when the checks may run. */
  Deadline checks() {
    return checks;
  }

  /** Until when the diagnosis may run, when it starts now. */
  Deadline diagnosis() {
    return checks.min(Deadline.after(DIAGNOSIS));
  }

  /** Until when publishing (metrics and alerts, side by side) may run, when it starts now. */
  Deadline publishing() {
    return end.min(Deadline.after(PUBLISHING));
  }

  /** Until when the metrics calls may run, within {@code publishing}: EMF lines follow them. */
  static Deadline metricsCalls(Deadline publishing) {
    return publishing.minus(EMF_RESERVE);
  }

  /** Until when the alert state read, started before the checks, may run. */
  Deadline alertStateRead() {
    return end;
  }
}
