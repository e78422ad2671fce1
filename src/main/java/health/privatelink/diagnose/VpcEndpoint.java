package health.privatelink.diagnose;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A VPC endpoint as DescribeVpcEndpoints shows it: what the diagnosis needs of it.
 *
 * @param id {@code vpce-...}
 * @param type {@code Interface}, {@code Gateway}, {@code GatewayLoadBalancer}, ...
 * @param vpcId the VPC it lives in
 * @param serviceName the endpoint service it connects to
 * @param state as EC2 spells it: {@code pendingAcceptance}, {@code available}, {@code rejected}...
 * @param privateDnsEnabled whether the service's private DNS name resolves to it inside the VPC
 * @param groupIds its security groups
 * @param dnsNames its DNS entries: the {@code vpce-...} names and, with Private DNS, the private
 *     one
 * @param lastError why it failed, when EC2 says
 * @param networkInterfaceIds its network interfaces, one per subnet (interface endpoints only)
 */
public record VpcEndpoint(
    String id,
    String type,
    String vpcId,
    String serviceName,
    String state,
    boolean privateDnsEnabled,
    List<String> groupIds,
    List<String> dnsNames,
    Optional<String> lastError,
    List<String> networkInterfaceIds) {

  public VpcEndpoint {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(vpcId, "vpcId");
    Objects.requireNonNull(serviceName, "serviceName");
    Objects.requireNonNull(state, "state");
    groupIds = List.copyOf(groupIds);
    dnsNames = List.copyOf(dnsNames);
    Objects.requireNonNull(lastError, "lastError");
    networkInterfaceIds = List.copyOf(networkInterfaceIds);
  }
}
