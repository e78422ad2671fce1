package health.privatelink.testing;

import health.privatelink.Log;
import health.privatelink.alert.SnsDelivery;
import java.io.IOException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The alert topic for a test, fresh for each test method: an {@link SnsEndpoint} on loopback and
 * the real SNS client pointed at it.
 *
 * <pre>{@code
 * @RegisterExtension final SnsTopic topic = new SnsTopic();
 * ... new Alerter(rules, store, topic.delivery(log), out) ...
 * assertEquals(1, topic.endpoint().published().size());
 * }</pre>
 */
public final class SnsTopic implements BeforeEachCallback, AfterEachCallback {
  private SnsEndpoint endpoint;
  private SnsClient client;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    endpoint = SnsEndpoint.start();
    client = TestAws.sns(endpoint.uri());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    client.close();
    endpoint.close();
  }

  /** What the topic received, and how it answers. */
  public SnsEndpoint endpoint() {
    return endpoint;
  }

  /** Delivery to {@link TestAws#TOPIC_ARN} through the client, logging to {@code log}. */
  public SnsDelivery delivery(Log log) {
    return new SnsDelivery(TestAws.TOPIC_ARN, () -> client, log);
  }
}
