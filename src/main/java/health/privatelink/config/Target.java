package health.privatelink.config;

import health.privatelink.Addresses;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One endpoint to check, with every default already applied.
 *
 * @param name unique, 1-64 of letters, digits, {@code . _ -}; the {@code Target} metric dimension
 * @param url an {@code http} or {@code https} URL with a host
 * @param expectedStatus the status codes that count as healthy
 * @param timeout the budget of the whole check, DNS included
 * @param bodyContains text the body must contain, when set
 * @param expectedCidrs where every resolved address must lie; empty turns the check off
 * @param allAddresses whether every resolved address (the first {@link #MAX_ADDRESSES}) is
 *     connected to, or only the first of the answer
 */
public record Target(
    String name,
    URI url,
    Set<Integer> expectedStatus,
    Duration timeout,
    Optional<String> bodyContains,
    List<Cidr> expectedCidrs,
    boolean allAddresses) {

  /** The most addresses of one answer that are connected to; the rest are named as not checked. */
  public static final int MAX_ADDRESSES = 16;

  public Target {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    expectedStatus = Set.copyOf(expectedStatus);
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(bodyContains, "bodyContains");
    expectedCidrs = List.copyOf(expectedCidrs);
  }

  /** Whether the check uses TLS. */
  public boolean https() {
    return "https".equalsIgnoreCase(url.getScheme());
  }

  /** The host name to resolve (or the address literal, without brackets). */
  public String host() {
    String host = url.getHost();
    return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
  }

  /**
   * Whether the URL names an IP address rather than a host name, so there is nothing to resolve.
   */
  public boolean hostIsAddress() {
    return Addresses.literal(host()).isPresent();
  }

  /** The port to connect to, the scheme's default when the URL names none. */
  public int port() {
    int port = url.getPort();
    return port >= 0 ? port : https() ? 443 : 80;
  }

  /**
   * The URL as reports, logs and alerts show it: query values are replaced by {@code REDACTED},
   * because a health URL may carry an access token there. Only the request itself uses the real
   * query.
   */
  public String displayUrl() {
    String query = url.getRawQuery();
    if (query == null) {
      return url.toString();
    }
    String text = url.toString();
    StringBuilder shown = new StringBuilder(text.substring(0, text.indexOf('?') + 1));
    String[] parameters = query.split("&", -1);
    for (int i = 0; i < parameters.length; i++) {
      if (i > 0) {
        shown.append('&');
      }
      int eq = parameters[i].indexOf('=');
      // A parameter without a name=value form may be the token itself.
      shown.append(eq < 0 ? "REDACTED" : parameters[i].substring(0, eq + 1) + "REDACTED");
    }
    return shown.toString();
  }

  /** The request target of the GET line: path and query, never empty. */
  public String requestTarget() {
    String path = url.getRawPath();
    String query = url.getRawQuery();
    String target = path == null || path.isEmpty() ? "/" : path;
    return query == null ? target : target + "?" + query;
  }
}
