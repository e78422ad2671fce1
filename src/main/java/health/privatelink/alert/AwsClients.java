package health.privatelink.alert;

import health.privatelink.Deadline;
import java.time.Duration;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.SnsClientBuilder;

/**
 * The SNS and DynamoDB clients the alerter uses, configured one way for production and tests:
 * url-connection-client, region, credentials and endpoint from the SDK's defaults (so {@code
 * AWS_ENDPOINT_URL_SNS} and {@code AWS_ENDPOINT_URL_DYNAMODB} work) unless the caller sets them.
 * Every call is bounded by {@link #within(Deadline)}.
 */
public final class AwsClients {
  /** Bounds one TCP connect; the per-call timeout from the deadline bounds everything else. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  /** Bounds one blocking read, in case an abort at the call timeout does not reach the socket. */
  static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(5);

  /** SDK attempts per call: retried with backoff while the call timeout allows. */
  static final int MAX_ATTEMPTS = 5;

  private AwsClients() {}

  /** An SNS client; {@code customizer} may set endpoint, region and credentials (tests). */
  public static SnsClient sns(Consumer<SnsClientBuilder> customizer) {
    SnsClientBuilder builder =
        SnsClient.builder()
            .httpClientBuilder(httpClient())
            .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(MAX_ATTEMPTS)));
    customizer.accept(builder);
    return builder.build();
  }

  /** A DynamoDB client; {@code customizer} may set endpoint, region and credentials (tests). */
  public static DynamoDbClient dynamoDb(Consumer<DynamoDbClientBuilder> customizer) {
    DynamoDbClientBuilder builder =
        DynamoDbClient.builder()
            .httpClientBuilder(httpClient())
            .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(MAX_ATTEMPTS)));
    customizer.accept(builder);
    return builder.build();
  }

  private static UrlConnectionHttpClient.Builder httpClient() {
    return UrlConnectionHttpClient.builder()
        .connectionTimeout(CONNECT_TIMEOUT)
        .socketTimeout(SOCKET_TIMEOUT);
  }

  /**
   * Per-call timeouts that end the call, retries included, by the deadline. One attempt may take at
   * most half the time left, so a hung first attempt still leaves room for a second.
   *
   * @throws DeadlinePassedException when no time is left
   */
  static AwsRequestOverrideConfiguration within(Deadline deadline) {
    Duration left = deadline.remaining();
    if (left.toMillis() < 1) {
      throw new DeadlinePassedException();
    }
    Duration attempt = left.dividedBy(2);
    return AwsRequestOverrideConfiguration.builder()
        .apiCallTimeout(left)
        .apiCallAttemptTimeout(attempt.toMillis() < 1 ? left : attempt)
        .build();
  }

  /** No time was left to start a call. */
  static final class DeadlinePassedException extends RuntimeException {
    DeadlinePassedException() {
      super("no time left before the deadline");
    }
  }
}
