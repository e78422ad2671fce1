package health.privatelink.alert;

import health.privatelink.Deadline;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a run's alert message goes: the SNS topic ({@link SnsDelivery}) or, without one, the log
 * ({@link LogDelivery}). The decision of what to send, and the alert state it claims, stays in
 * {@link Alerter}; a delivery only sends, logs what it did and says how it went.
 */
public interface Delivery {

  /**
   * Sends {@code message}, giving up by {@code deadline}; never throws for a failed send, which it
   * logs with the message's body and reports in its result.
   */
  Sent send(AlertMessage message, Deadline deadline);

  /**
   * How one send went.
   *
   * @param delivery where the message went: {@code PUBLISHED}, {@code LOGGED} or {@code FAILED}
   * @param messageId the id the topic gave the message, when published
   * @param error what went wrong, one sentence, when it failed
   */
  record Sent(AlertOutcome.Delivery delivery, Optional<String> messageId, Optional<String> error) {
    public Sent {
      Objects.requireNonNull(delivery, "delivery");
      if (delivery == AlertOutcome.Delivery.NONE) {
        throw new IllegalArgumentException("a message that was sent has a delivery, not NONE");
      }
    }

    static Sent published(String messageId) {
      return new Sent(AlertOutcome.Delivery.PUBLISHED, Optional.of(messageId), Optional.empty());
    }

    static Sent logged() {
      return new Sent(AlertOutcome.Delivery.LOGGED, Optional.empty(), Optional.empty());
    }

    static Sent failed(String error) {
      return new Sent(AlertOutcome.Delivery.FAILED, Optional.empty(), Optional.of(error));
    }
  }
}
