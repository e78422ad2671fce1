package health.privatelink.alert;

/**
 * What on-call is told about one target: the contract's alert states, most severe first. The names
 * are public interface (the {@code state} message attribute and the subject's tags).
 */
public enum AlertEvent {
  /** The target failed {@code ALERT_AFTER_FAILURES} runs in a row: the alert opened. */
  ALARM,
  /** The target is still failing {@code ALERT_REMINDER_MINUTES} after the last notification. */
  REMINDER,
  /** The target passed again after its alert opened. */
  OK,
  /**
   * A test message ({@link TestAlert}): proves the alert path, tells of no target. The rules never
   * produce it, so no target's notice carries it.
   */
  TEST;

  /** The more severe of the two, for a message that carries both. */
  public AlertEvent mostSevere(AlertEvent other) {
    return compareTo(other) <= 0 ? this : other;
  }
}
