package health.privatelink.diagnose;

import java.util.List;
import java.util.Objects;

/**
 * A network interface as DescribeNetworkInterfaces shows it: what places an address in a subnet and
 * an Availability Zone.
 *
 * @param id {@code eni-...}
 * @param subnetId the subnet it lives in
 * @param zoneId the Availability Zone ID ({@code use1-az2}), the same in every account, unlike the
 *     zone name; empty when EC2 gives none
 * @param addresses its private IPv4 and IPv6 addresses, as EC2 writes them
 */
public record NetworkInterface(String id, String subnetId, String zoneId, List<String> addresses) {
  public NetworkInterface {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(subnetId, "subnetId");
    Objects.requireNonNull(zoneId, "zoneId");
    addresses = List.copyOf(addresses);
  }
}
