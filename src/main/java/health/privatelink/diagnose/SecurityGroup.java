package health.privatelink.diagnose;

import java.util.List;
import java.util.Objects;

/**
 * A security group's rules as DescribeSecurityGroups shows them.
 *
 * @param id {@code sg-...}
 * @param inbound its ingress rules
 * @param outbound its egress rules
 */
public record SecurityGroup(String id, List<Rule> inbound, List<Rule> outbound) {
  public SecurityGroup {
    Objects.requireNonNull(id, "id");
    inbound = List.copyOf(inbound);
    outbound = List.copyOf(outbound);
  }

  /**
   * One permission: a protocol and port range, and the peers it admits.
   *
   * @param protocol {@code tcp}, {@code udp}, {@code icmp}, a protocol number, or {@code -1} for
   *     all
   * @param fromPort first port; -1 with protocol {@code -1}
   * @param toPort last port
   * @param groupIds peer security groups
   * @param cidrs peer IPv4 and IPv6 blocks
   * @param prefixListIds peer managed prefix lists, whose contents are not looked up
   */
  public record Rule(
      String protocol,
      int fromPort,
      int toPort,
      List<String> groupIds,
      List<String> cidrs,
      List<String> prefixListIds) {

    public Rule {
      Objects.requireNonNull(protocol, "protocol");
      groupIds = List.copyOf(groupIds);
      cidrs = List.copyOf(cidrs);
      prefixListIds = List.copyOf(prefixListIds);
    }

    /** Whether the rule admits TCP to {@code port}. */
    public boolean allowsTcp(int port) {
      return switch (protocol) {
        case "-1", "all" -> true;
        case "tcp", "6" -> (fromPort == -1 && toPort == -1) || (fromPort <= port && port <= toPort);
        default -> false;
      };
    }
  }
}
