package health.privatelink.diagnose;

import health.privatelink.config.Config;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where to look for the endpoint behind a failing target.
 *
 * @param vpcEndpointIds {@code VPC_ENDPOINT_IDS}: the endpoints to inspect; empty: find by host
 * @param vpcId {@code VPC_ID}: the function's VPC, searched when no IDs are given
 * @param securityGroupIds {@code SECURITY_GROUP_IDS}: the function's own groups; empty: learned
 *     from the network interface that holds the function's address, when it can be seen
 */
public record Scope(
    List<String> vpcEndpointIds, Optional<String> vpcId, List<String> securityGroupIds) {

  public Scope {
    vpcEndpointIds = List.copyOf(vpcEndpointIds);
    Objects.requireNonNull(vpcId, "vpcId");
    securityGroupIds = List.copyOf(securityGroupIds);
  }

  public static Scope from(Config config) {
    return new Scope(config.vpcEndpointIds(), config.vpcId(), config.securityGroupIds());
  }

  /** Whether anything is configured to look up: without it there is no diagnosis at all. */
  public boolean configured() {
    return !vpcEndpointIds.isEmpty() || vpcId.isPresent();
  }

  /** Whether the endpoints were named rather than searched for in the VPC. */
  boolean named() {
    return !vpcEndpointIds.isEmpty();
  }
}
