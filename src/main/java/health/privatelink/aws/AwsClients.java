package health.privatelink.aws;

import health.privatelink.aws.AwsSettings.Service;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.RegionMetadata;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The one place SDK clients are built: url-connection-client with {@link CallLimits}' timeouts, the
 * standard retry strategy with its attempts, and the region, endpoint and credentials of the {@link
 * AwsSettings}. Every client carries {@link Priming}'s interceptor. Building a client is slow on a
 * cold start, so callers build them on first use.
 *
 * <p>An endpoint override that is not an absolute URI fails the build with the SDK's own {@link
 * SdkClientException}, which callers already report as a failed call.
 */
public final class AwsClients {
  private final AwsSettings settings;

  public AwsClients(AwsSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** The settings the clients are built from. */
  public AwsSettings settings() {
    return settings;
  }

  /** A CloudWatch client, with {@code interceptors} added after the shared ones. */
  public CloudWatchClient cloudWatch(List<ExecutionInterceptor> interceptors) {
    return configure(CloudWatchClient.builder(), Service.CLOUDWATCH, interceptors).build();
  }

  /** An SNS client. */
  public SnsClient sns() {
    return configure(SnsClient.builder(), Service.SNS, List.of()).build();
  }

  /** A DynamoDB client. */
  public DynamoDbClient dynamoDb() {
    return configure(DynamoDbClient.builder(), Service.DYNAMODB, List.of()).build();
  }

  /**
   * Where and how EC2's query API is called: there is no SDK client for it (see {@code
   * diagnose.Ec2QueryClient}), so this is its request path, built under the same rule.
   *
   * @param uri the endpoint override, or else the region's public endpoint, which an {@code ec2}
   *     interface endpoint with Private DNS serves inside the VPC
   * @param region the region requests are signed for
   */
  public record Ec2Path(
      URI uri, String region, AwsCredentialsProvider credentials, SdkHttpClient http) {}

  /**
   * The EC2 request path.
   *
   * @throws SdkClientException when no region is configured or the endpoint override is unusable
   */
  public Ec2Path ec2() {
    Region region =
        settings
            .region()
            .map(Region::of)
            .orElseGet(() -> new DefaultAwsRegionProviderChain().getRegion());
    URI uri = endpointOverride(Service.EC2).orElseGet(() -> regionalEndpoint("ec2", region));
    return new Ec2Path(uri, region.id(), credentials(), httpClient().build());
  }

  static URI regionalEndpoint(String service, Region region) {
    RegionMetadata metadata = region.metadata();
    String domain = metadata == null ? "amazonaws.com" : metadata.partition().dnsSuffix();
    return URI.create("https://" + service + "." + region.id() + "." + domain);
  }

  private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
      B builder, Service service, List<ExecutionInterceptor> interceptors) {
    builder
        .httpClientBuilder(httpClient())
        .overrideConfiguration(o -> {
          o.retryStrategy(
                  AwsRetryStrategy.standardRetryStrategy().toBuilder()
                      .maxAttempts(CallLimits.MAX_ATTEMPTS)
                      .build())
              .addExecutionInterceptor(Priming.interceptor());
          interceptors.forEach(o::addExecutionInterceptor);
        });
    settings.region().map(Region::of).ifPresent(builder::region);
    endpointOverride(service).ifPresent(builder::endpointOverride);
    settings.credentials().ifPresent(builder::credentialsProvider);
    return builder;
  }

  private AwsCredentialsProvider credentials() {
    return settings.credentials().orElseGet(() -> DefaultCredentialsProvider.builder().build());
  }

  private Optional<URI> endpointOverride(Service service) {
    return settings.endpoint(service).map(value -> uri(service, value));
  }

  /** As the SDK reads an override from the environment: an absolute URI, else a client error. */
  private static URI uri(Service service, String value) {
    try {
      URI uri = new URI(value);
      if (uri.getScheme() != null && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below, as the SDK does
    }
    throw SdkClientException.create(
        "An invalid URI was configured for "
            + service.variable()
            + " (or AWS_ENDPOINT_URL): "
            + value);
  }

  private static UrlConnectionHttpClient.Builder httpClient() {
    return UrlConnectionHttpClient.builder()
        .connectionTimeout(CallLimits.CONNECT_TIMEOUT)
        .socketTimeout(CallLimits.SOCKET_TIMEOUT);
  }
}
