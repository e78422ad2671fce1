package health.privatelink.alert;

import java.util.Optional;

/**
 * One target's step through the alert rules in one run.
 *
 * @param prior the state the run started from
 * @param next the state to store; its version is one above the prior's
 * @param event what to tell on-call, if anything
 */
public record Transition(AlertState prior, AlertState next, Optional<AlertEvent> event) {

  /** Whether the state must be written: it changed in more than its timestamps. */
  public boolean changed() {
    return !next.sameAs(prior);
  }

  /**
   * The state to store when the event could not be delivered: the prior state under a new version,
   * so the next run decides again and sends the event then.
   */
  public AlertState undelivered() {
    return prior.withVersion(next.version() + 1);
  }
}
