package health.privatelink.alert;

import health.privatelink.Reason;
import health.privatelink.check.TargetResult;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One target in an alert message.
 *
 * @param result this run's check of the target
 * @param event what on-call is told
 * @param failingSince when the failure streak started (for OK: the streak that just ended)
 * @param failedRuns how many runs in a row failed (for OK: before it recovered)
 * @param reason the failure reason (for OK: the last one before it recovered)
 */
public record Notice(
    TargetResult result,
    AlertEvent event,
    Instant failingSince,
    int failedRuns,
    Optional<Reason> reason) {

  public Notice {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(failingSince, "failingSince");
    Objects.requireNonNull(reason, "reason");
  }

  /** The notice for a transition that carries an event. */
  static Notice of(TargetResult result, AlertEvent event, Transition step, Instant now) {
    AlertState streak =
        switch (event) {
          case ALARM, REMINDER -> step.next();
          case OK -> step.prior();
          case TEST -> throw new IllegalArgumentException("a test message has no target notices");
        };
    return new Notice(
        result,
        event,
        streak.failingSince().orElse(now),
        streak.failures(),
        result.failure().map(f -> f.reason()).or(streak::reason));
  }

  public String name() {
    return result.target().name();
  }
}
