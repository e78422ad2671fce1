package health.privatelink.alert;

import health.privatelink.Deadline;
import health.privatelink.Log;
import health.privatelink.aws.CallLimits;
import health.privatelink.aws.Lazy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishResponse;

/**
 * Delivery to the SNS topic: one Publish with the message's subject, body and attributes, retried
 * within the deadline under {@link CallLimits}; a publish that fails is logged with the body.
 */
public final class SnsDelivery implements Delivery {
  private final String topicArn;
  private final Supplier<SnsClient> sns;
  private final Log log;

  /**
   * @param topicArn the topic, ALERT_TOPIC_ARN
   * @param sns the SNS client, asked for only when a message is published, and then kept
   * @param log where the outcome of each publish is logged
   */
  public SnsDelivery(String topicArn, Supplier<SnsClient> sns, Log log) {
    this.topicArn = Objects.requireNonNull(topicArn, "topicArn");
    this.sns = new Lazy<>(Objects.requireNonNull(sns, "sns"));
    this.log = Objects.requireNonNull(log, "log");
  }

  @Override
  public Sent send(AlertMessage message, Deadline deadline) {
    Map<String, Object> fields = message.logFields();
    fields.put("topicArn", topicArn);
    // Bounded before the client is asked for: building it on a cold start takes time too.
    Optional<AwsRequestOverrideConfiguration> within = CallLimits.within(deadline);
    String failure = CallLimits.NO_TIME_LEFT;
    try {
      if (within.isPresent()) {
        PublishResponse response = publish(message, within.get());
        fields.put("messageId", response.messageId());
        log.info("alert published", fields);
        return Sent.published(response.messageId());
      }
    } catch (SdkException e) {
      failure = e.getMessage();
    }
    String error = "SNS Publish to " + topicArn + " failed: " + failure;
    fields.put("error", error);
    fields.put("body", message.body());
    log.error("alert not delivered; the next run sends it again", fields);
    return Sent.failed(error);
  }

  private PublishResponse publish(AlertMessage message, AwsRequestOverrideConfiguration within) {
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    message
        .attributes()
        .forEach((name, attribute) ->
            attributes.put(
                name,
                MessageAttributeValue.builder()
                    .dataType(attribute.dataType())
                    .stringValue(attribute.value())
                    .build()));
    return sns.get()
        .publish(b ->
            b.topicArn(topicArn)
                .subject(message.subject())
                .message(message.body())
                .messageAttributes(attributes)
                .overrideConfiguration(within));
  }
}
