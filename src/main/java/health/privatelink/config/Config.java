package health.privatelink.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the environment configures, parsed and validated once at init by {@link ConfigParser}.
 *
 * @param targets what to check; never empty
 * @param expectedCidrs the default ranges for targets that set none; empty turns the check off
 * @param dnsServers the resolvers to ask; empty means the system's. An entry given as a host name
 *     is left unresolved here and looked up once when the resolver is built
 * @param defaultTimeout the budget of a target that sets no {@code timeoutMs}
 * @param metricsNamespace the CloudWatch namespace
 * @param metricsMode how metrics leave the function
 * @param metricsDetail which measurements are metrics and which only log properties
 * @param alertTopicArn the SNS topic for alerts; empty: alerts are only logged
 * @param alertAfterFailures consecutive failed runs before a target alerts
 * @param alertReminder how often to remind while failing; zero never repeats
 * @param stateTable the DynamoDB table of alert state; empty: state lives in the process
 * @param vpcEndpointIds endpoints to inspect when a target fails
 * @param vpcId the function's VPC, for finding endpoints by host name
 * @param securityGroupIds the function's own security groups
 */
public record Config(
    List<Target> targets,
    List<Cidr> expectedCidrs,
    List<InetSocketAddress> dnsServers,
    Duration defaultTimeout,
    String metricsNamespace,
    MetricsMode metricsMode,
    MetricsDetail metricsDetail,
    Optional<String> alertTopicArn,
    int alertAfterFailures,
    Duration alertReminder,
    Optional<String> stateTable,
    List<String> vpcEndpointIds,
    Optional<String> vpcId,
    List<String> securityGroupIds) {

  public Config {
    targets = List.copyOf(targets);
    expectedCidrs = List.copyOf(expectedCidrs);
    dnsServers = List.copyOf(dnsServers);
    Objects.requireNonNull(defaultTimeout, "defaultTimeout");
    Objects.requireNonNull(metricsNamespace, "metricsNamespace");
    Objects.requireNonNull(metricsMode, "metricsMode");
    Objects.requireNonNull(metricsDetail, "metricsDetail");
    Objects.requireNonNull(alertTopicArn, "alertTopicArn");
    Objects.requireNonNull(alertReminder, "alertReminder");
    Objects.requireNonNull(stateTable, "stateTable");
    vpcEndpointIds = List.copyOf(vpcEndpointIds);
    Objects.requireNonNull(vpcId, "vpcId");
    securityGroupIds = List.copyOf(securityGroupIds);
  }
}
