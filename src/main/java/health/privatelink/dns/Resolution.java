package health.privatelink.dns;

import health.privatelink.Failure;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/** What one fresh DNS lookup of a host found. */
public sealed interface Resolution {

  /** The host's IPv4 addresses, in the answer's order; never empty. */
  record Resolved(List<InetAddress> addresses) implements Resolution {
    public Resolved {
      addresses = List.copyOf(addresses);
      if (addresses.isEmpty()) {
        throw new IllegalArgumentException("a resolved host has at least one address");
      }
    }
  }

  /** Why the lookup gave no address: NXDOMAIN, DNS_NODATA, DNS_ERROR or DNS_TIMEOUT. */
  record Failed(Failure failure) implements Resolution {
    public Failed {
      Objects.requireNonNull(failure, "failure");
    }
  }
}
