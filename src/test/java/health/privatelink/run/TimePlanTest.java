package health.privatelink.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.Deadline;
import health.privatelink.alert.AlertDeadlines;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The parts of the time plan each stage is handed, as its Javadoc describes them. */
class TimePlanTest {
  /** How far the clock may move between making a plan and reading it. */
  private static final long SLACK_MS = 50;

  private static long millisBetween(Deadline from, Deadline to) {
    return (to.nanoTime() - from.nanoTime()) / 1_000_000;
  }

  private static void assertNear(long expectedMs, long actualMs, String what) {
    assertTrue(
        Math.abs(expectedMs - actualMs) <= SLACK_MS,
        what + ": expected about " + expectedMs + " ms, got " + actualMs);
  }

  @Test
  void alertingEndsAtMostTheFinishMarginEarlyAndSharesTheRest() {
    Deadline start = Deadline.after(Duration.ZERO);
    Deadline publishing = Deadline.after(Duration.ofSeconds(10));

    AlertDeadlines alerting = TimePlan.alerting(publishing);

    assertEquals(
        publishing.minus(TimePlan.ALERT_FINISH_MARGIN), alerting.end(), "a twentieth, capped");
    long budget = millisBetween(start, alerting.end());
    assertNear(budget / 4, millisBetween(start, alerting.readBy()), "the read");
    assertNear(budget / 2, millisBetween(start, alerting.writeBy()), "the writes");
    assertNear(budget / 5, millisBetween(alerting.publishBy(), alerting.end()), "the release");
  }

  @Test
  void aShortPublishingTimeKeepsATwentiethForTheFinish() {
    Deadline start = Deadline.after(Duration.ZERO);
    Deadline publishing = Deadline.after(Duration.ofMillis(1000));

    AlertDeadlines alerting = TimePlan.alerting(publishing);

    assertNear(50, millisBetween(alerting.end(), publishing), "the finish margin");
    long budget = millisBetween(start, alerting.end());
    assertNear(budget / 4, millisBetween(start, alerting.readBy()), "the read");
    assertTrue(alerting.publishBy().nanoTime() > alerting.writeBy().nanoTime());
  }

  @Test
  void aSpentPublishingTimeLeavesTheAlertingNone() {
    AlertDeadlines alerting = TimePlan.alerting(Deadline.after(Duration.ZERO));

    assertTrue(alerting.readBy().expired());
    assertTrue(alerting.writeBy().expired());
    assertTrue(alerting.publishBy().expired());
    assertTrue(alerting.end().expired());
  }
}
