package health.privatelink.alert;

import health.privatelink.Deadline;
import health.privatelink.Log;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Delivery when ALERT_TOPIC_ARN is unset: the whole message, attributes included, as a log line.
 */
public final class LogDelivery implements Delivery {
  private final Log log;

  public LogDelivery(Log log) {
    this.log = Objects.requireNonNull(log, "log");
  }

  /** Writes the message as one log line; a line is written at once, so the deadline is not read. */
  @Override
  public Sent send(AlertMessage message, Deadline deadline) {
    Map<String, Object> fields = message.logFields();
    fields.put("body", message.body());
    Map<String, String> attributes = new LinkedHashMap<>();
    message.attributes().forEach((name, attribute) -> attributes.put(name, attribute.value()));
    fields.put("attributes", attributes);
    log.info("alert (ALERT_TOPIC_ARN is unset, so it is only logged)", fields);
    return Sent.logged();
  }
}
