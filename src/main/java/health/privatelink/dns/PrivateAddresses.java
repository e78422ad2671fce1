package health.privatelink.dns;

import health.privatelink.Failure;
import health.privatelink.Reason;
import health.privatelink.config.Cidr;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The private-address check: every resolved address must lie inside the expected ranges. */
public final class PrivateAddresses {
  private PrivateAddresses() {}

  /**
   * Empty when every address lies inside one of {@code cidrs} (or {@code cidrs} is empty: check
   * off); else a {@code NOT_PRIVATE_IP} failure whose detail names the first offending address and
   * the allowed ranges.
   */
  public static Optional<Failure> check(List<InetAddress> addresses, List<Cidr> cidrs) {
    if (cidrs.isEmpty()) {
      return Optional.empty();
    }
    return addresses.stream()
        .filter(address -> cidrs.stream().noneMatch(cidr -> cidr.contains(address)))
        .findFirst()
        .map(outside -> new Failure(Reason.NOT_PRIVATE_IP, detail(outside, addresses, cidrs)));
  }

  private static String detail(InetAddress outside, List<InetAddress> addresses, List<Cidr> cidrs) {
    String ranges = cidrs.stream().map(Cidr::toString).collect(Collectors.joining(", "));
    // The full answer helps tell a Private DNS override (every address public) from a stray record.
    String all =
        addresses.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "));
    return outside.getHostAddress()
        + " is outside the expected ranges "
        + ranges
        + " (resolved: "
        + all
        + ")";
  }
}
