package health.privatelink.aws;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * How this process reaches AWS, read once from the environment: the region and the endpoint
 * overrides, with the names and precedence the SDK gives them ({@code AWS_ENDPOINT_URL_<SERVICE>},
 * then {@code AWS_ENDPOINT_URL}, none at all when {@code AWS_IGNORE_CONFIGURED_ENDPOINT_URLS} is
 * true). Values are kept as written: an endpoint that is not a URI fails the calls that use it, as
 * it would in the SDK, and is never a configuration error.
 *
 * <p>What the environment leaves unset stays with the SDK's own chains: the region from the profile
 * file, credentials from the default provider chain (environment, profile, SSO, the function's
 * role), so {@code --publish} works wherever the AWS CLI does.
 *
 * @param region {@code AWS_REGION}; empty: the SDK's region chain decides
 * @param endpoints the endpoint override per service, as written
 * @param credentials empty: the SDK's default credentials chain; tests put static ones here
 */
public record AwsSettings(
    Optional<String> region,
    Map<Service, String> endpoints,
    Optional<AwsCredentialsProvider> credentials) {

  /** The services this project calls, each with the variable that overrides its endpoint. */
  public enum Service {
    CLOUDWATCH,
    SNS,
    DYNAMODB,
    EC2;

    /** The SDK's variable for this service's endpoint, e.g. {@code AWS_ENDPOINT_URL_SNS}. */
    public String variable() {
      return GLOBAL_ENDPOINT + "_" + name();
    }
  }

  static final String REGION = "AWS_REGION";
  static final String GLOBAL_ENDPOINT = "AWS_ENDPOINT_URL";
  static final String IGNORE_ENDPOINTS = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";

  /** The variables read here; all belong to the SDK. */
  public static final List<String> VARIABLES =
      Stream.concat(
              Stream.of(REGION, GLOBAL_ENDPOINT, IGNORE_ENDPOINTS),
              Stream.of(Service.values()).map(Service::variable))
          .toList();

  public AwsSettings {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(credentials, "credentials");
    endpoints = Map.copyOf(endpoints);
  }

  /**
   * The settings {@code env} holds. The SDK for Java reads {@code AWS_REGION} only ({@code
   * AWS_DEFAULT_REGION} is the CLI's), so that is all that is read here.
   */
  public static AwsSettings from(Map<String, String> env) {
    Map<Service, String> endpoints = new EnumMap<>(Service.class);
    if (!"true".equalsIgnoreCase(value(env, IGNORE_ENDPOINTS).orElse(""))) {
      Optional<String> global = value(env, GLOBAL_ENDPOINT);
      for (Service service : Service.values()) {
        value(env, service.variable()).or(() -> global).ifPresent(v -> endpoints.put(service, v));
      }
    }
    return new AwsSettings(value(env, REGION), endpoints, Optional.empty());
  }

  /** These settings signing with {@code provider} instead of the default chain. */
  public AwsSettings withCredentials(AwsCredentialsProvider provider) {
    return new AwsSettings(region, endpoints, Optional.of(provider));
  }

  /** The endpoint override for {@code service}, as written. */
  public Optional<String> endpoint(Service service) {
    return Optional.ofNullable(endpoints.get(service));
  }

  private static Optional<String> value(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).map(String::trim).filter(s -> !s.isEmpty());
  }
}
