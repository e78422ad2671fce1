package health.privatelink.alert;

import java.util.Objects;
import java.util.Optional;

/**
 * How a test message went ({@code {"testAlert": true}}, {@code --test-alert}): its subject and what
 * its delivery said.
 *
 * @param subject the subject it was sent with
 * @param delivery {@code PUBLISHED}, {@code LOGGED} (no topic configured) or {@code FAILED}
 * @param messageId the topic's id for it, when published
 * @param error what went wrong, when it failed
 */
public record TestAlert(
    String subject,
    AlertOutcome.Delivery delivery,
    Optional<String> messageId,
    Optional<String> error) {

  public TestAlert {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(delivery, "delivery");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(error, "error");
  }

  /** Whether it reached the topic, or the log when no topic is configured. */
  public boolean delivered() {
    return delivery == AlertOutcome.Delivery.PUBLISHED || delivery == AlertOutcome.Delivery.LOGGED;
  }
}
