package health.privatelink.alert;

import health.privatelink.Reason;
import health.privatelink.config.Config;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The contract's alert rules as a pure function of the prior state, this run's outcome and the
 * run's start: ALARM after {@code afterFailures} failed runs in a row, REMINDER every {@code
 * reminder} while still failing, one OK when it passes again after an ALARM. Nothing else.
 *
 * <p>A silenced target's failures still count, but it sends no ALARM or REMINDER: when the silence
 * ends and it still fails, its alert opens on the first run after. Its OK is never held, so an
 * alarm sent before the silence still closes, and a failure inside the silence that never alarmed
 * ends with nothing sent.
 *
 * @param afterFailures consecutive failed runs that open an alert, at least 1
 * @param reminder how long after the last notification to remind; zero never reminds
 */
public record AlertRules(int afterFailures, Duration reminder) {

  /**
   * How early a reminder may go out. Scheduled runs start a little late or early each minute; a run
   * that starts a few seconds before the full period sends the reminder rather than leaving it a
   * whole schedule period later.
   */
  static final Duration REMINDER_SLACK = Duration.ofSeconds(30);

  public AlertRules {
    if (afterFailures < 1) {
      throw new IllegalArgumentException("afterFailures must be >= 1, got " + afterFailures);
    }
    if (reminder.isNegative()) {
      throw new IllegalArgumentException("reminder must not be negative, got " + reminder);
    }
  }

  public static AlertRules from(Config config) {
    return new AlertRules(config.alertAfterFailures(), config.alertReminder());
  }

  /**
   * The step for one target.
   *
   * @param prior what was stored for the target
   * @param failure this run's failure reason; empty when the target passed
   * @param silenced whether the target is silenced this run: its ALARM and REMINDER are held
   * @param now the run's start
   */
  public Transition next(
      AlertState prior, Optional<Reason> failure, boolean silenced, Instant now) {
    return failure.isPresent() ? failed(prior, failure.get(), silenced, now) : passed(prior, now);
  }

  private Transition passed(AlertState prior, Instant now) {
    AlertState next =
        new AlertState(
            0,
            Optional.empty(),
            false,
            prior.open() ? Optional.of(now) : prior.notifiedAt(),
            prior.reason(),
            Optional.of(now),
            prior.version() + 1);
    Optional<AlertEvent> event = prior.open() ? Optional.of(AlertEvent.OK) : Optional.empty();
    return new Transition(prior, next, event);
  }

  private Transition failed(AlertState prior, Reason reason, boolean silenced, Instant now) {
    int failures = prior.failures() == Integer.MAX_VALUE ? prior.failures() : prior.failures() + 1;
    Optional<AlertEvent> event;
    if (silenced) {
      event = Optional.empty();
    } else if (!prior.open()) {
      event = failures >= afterFailures ? Optional.of(AlertEvent.ALARM) : Optional.empty();
    } else {
      event = reminderDue(prior, now) ? Optional.of(AlertEvent.REMINDER) : Optional.empty();
    }
    AlertState next =
        new AlertState(
            failures,
            Optional.of(prior.failingSince().orElse(now)),
            prior.open() || event.isPresent(),
            event.isPresent() ? Optional.of(now) : prior.notifiedAt(),
            Optional.of(reason),
            Optional.of(now),
            prior.version() + 1);
    return new Transition(prior, next, event);
  }

  private boolean reminderDue(AlertState prior, Instant now) {
    if (reminder.isZero()) {
      return false;
    }
    // An open alert always has a notification; without one, remind rather than stay silent.
    return prior
        .notifiedAt()
        .map(last -> !now.isBefore(last.plus(reminder).minus(REMINDER_SLACK)))
        .orElse(true);
  }
}
