package health.privatelink.run;

import health.privatelink.Deadline;
import health.privatelink.Durations;
import health.privatelink.alert.AlertDeadlines;
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
 *   |-- diagnosis: DIAGNOSIS from its start, never past the checks' end; its EC2 calls stop
 *   |   DIAGNOSIS_GRACE early, so a hung call reports its own timeout before the wait ends;
 *   |   none is started when the plan leaves it less than one call's time
 *   `-- publishing: PUBLISHING from its start, never past the deadline; metrics calls stop
 *       EMF_RESERVE early so the unsent points still go out as EMF lines; alerting, beside them,
 *       ends ALERT_FINISH_MARGIN early and shares the rest (see {@link #alerting}):
 *       |-- waiting for the state read (begun before the checks): the first quarter
 *       |-- writing claims: until half of it
 *       |-- publishing: until a fifth before its end
 *       `-- putting claimed state back after a failed publish: the last fifth
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
   * Kept back from the diagnosis' EC2 calls at the end of its time: a lookup that hangs notices its
   * deadline and reports the call that hung, and the diagnosis waits this long for that answer, all
   * within its part of the plan. (It once waited this long past its deadline instead, and a run
   * begun with its deadline nearly spent overran it, the cold EC2 path being built meanwhile.)
   */
  public static final Duration DIAGNOSIS_GRACE = Duration.ofMillis(200);

  /**
   * Kept back from the metrics calls at the end of publishing, so that the data points a failed or
   * late PutMetricData did not take can still be written as EMF lines.
   */
  public static final Duration EMF_RESERVE = Duration.ofMillis(100);

  /**
   * At most this much (and at most a twentieth) of the publishing time is kept back from the
   * alerting's calls, so its log lines and its return still fit before the publishing deadline.
   */
  public static final Duration ALERT_FINISH_MARGIN = Duration.ofMillis(100);

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

  /** Until when the diagnosis may run, its answers awaited included, when it starts now. */
  Deadline diagnosis() {
    return checks.min(Deadline.after(DIAGNOSIS));
  }

  /** Until when the diagnosis' EC2 calls may run, within {@code diagnosis}. */
  public static Deadline diagnosisLookups(Deadline diagnosis) {
    return diagnosis.minus(DIAGNOSIS_GRACE);
  }

  /** Until when publishing (metrics and alerts, side by side) may run, when it starts now. */
  Deadline publishing() {
    return end.min(Deadline.after(PUBLISHING));
  }

  /** Until when the metrics calls may run, within {@code publishing}: EMF lines follow them. */
  static Deadline metricsCalls(Deadline publishing) {
    return publishing.minus(EMF_RESERVE);
  }

  /**
   * Until when each step of the alerting may run, within {@code publishing}, when it starts now. Of
   * the time left before {@link #ALERT_FINISH_MARGIN}:
   *
   * <ul>
   *   <li>the state read is waited for during the first quarter: a read still running then is given
   *       up, and the run decides from the state the process knows, keeping time for the rest;
   *   <li>the claims are written until half of it, so a slow store still leaves the publish, which
   *       is what on-call waits for, at least three tenths;
   *   <li>a publish while claims are in the store ends a fifth before the end, left for putting the
   *       claimed state back should it fail, or the next run would not send the event again. The
   *       fifth is of the alerting's whole time, fixed here, where the alerter once took it of
   *       whatever was left when it came to publish.
   * </ul>
   */
  public static AlertDeadlines alerting(Deadline publishing) {
    Deadline end =
        publishing.minus(Durations.min(publishing.remaining().dividedBy(20), ALERT_FINISH_MARGIN));
    Duration budget = end.remaining();
    return new AlertDeadlines(
        end.min(Deadline.after(budget.dividedBy(4))),
        end.min(Deadline.after(budget.dividedBy(2))),
        end.minus(budget.dividedBy(5)),
        end);
  }

  /** Until when the alert state read, started before the checks, may run. */
  Deadline alertStateRead() {
    return end;
  }
}
