package health.privatelink.diagnose;

import health.privatelink.Deadline;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The read-only EC2 lookups a diagnosis makes. Each call returns by its deadline or throws; none
 * keeps anything between calls.
 */
public interface Ec2 {

  /** The endpoints among {@code ids} that exist; missing ones are left out, not an error. */
  List<VpcEndpoint> vpcEndpointsById(Collection<String> ids, Deadline deadline) throws Ec2Exception;

  /** Every VPC endpoint in {@code vpcId}. */
  List<VpcEndpoint> vpcEndpointsInVpc(String vpcId, Deadline deadline) throws Ec2Exception;

  /**
   * The private DNS names of endpoint services, by service name: what a host resolves through an
   * endpoint with Private DNS on, even while it is off. Names may be wildcards ({@code
   * *.example.com}).
   */
  Map<String, List<String>> servicePrivateDnsNames(
      Collection<String> serviceNames, Deadline deadline) throws Ec2Exception;

  /** The security groups among {@code ids} that exist, with their rules. */
  List<SecurityGroup> securityGroups(Collection<String> ids, Deadline deadline) throws Ec2Exception;

  /** The security groups of the network interfaces that hold {@code address}. */
  List<String> securityGroupsOfAddress(InetAddress address, Deadline deadline) throws Ec2Exception;

  /** The network interfaces holding any of {@code addresses}, with their subnet and zone. */
  List<NetworkInterface> networkInterfaces(Collection<InetAddress> addresses, Deadline deadline)
      throws Ec2Exception;

  /** The network ACLs associated with any of {@code subnetIds}. */
  List<NetworkAcl> networkAcls(Collection<String> subnetIds, Deadline deadline) throws Ec2Exception;

  /**
   * Whether a boolean attribute of a VPC is on: {@code enableDnsSupport} or {@code
   * enableDnsHostnames}.
   */
  boolean vpcAttribute(String vpcId, String attribute, Deadline deadline) throws Ec2Exception;
}
