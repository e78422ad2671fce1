package health.privatelink.alert;

import java.util.List;
import java.util.Optional;

/**
 * What the alerter did in one run, for the report and the log.
 *
 * @param state the state of the message sent; empty when there was nothing to tell
 * @param targets the targets in the message, most severe first
 * @param delivery where the message went
 * @param errors what went wrong (state store or publish), each one sentence; empty when nothing did
 */
public record AlertOutcome(
    Optional<AlertEvent> state, List<String> targets, Delivery delivery, List<String> errors) {

  /** Where a run's message went. */
  public enum Delivery {
    /** No alert opened, repeated or recovered: nothing to send. */
    NONE,
    /** Published to the SNS topic. */
    PUBLISHED,
    /** No topic is configured: written to the log only. */
    LOGGED,
    /** The publish failed within the deadline; the message is in the log and is sent again. */
    FAILED
  }

  public AlertOutcome {
    targets = List.copyOf(targets);
    errors = List.copyOf(errors);
  }

  /** Whether on-call got the message, or it was logged as configured. */
  public boolean delivered() {
    return switch (delivery) {
      case PUBLISHED, LOGGED -> true;
      case NONE, FAILED -> false;
    };
  }
}
