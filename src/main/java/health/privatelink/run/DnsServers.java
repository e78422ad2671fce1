package health.privatelink.run;

import health.privatelink.Json;
import health.privatelink.config.ConfigException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The resolvers DNS_SERVERS names, as addresses. A resolver given by host name is looked up once,
 * at init, through the system: it is where queries go, not what is being checked.
 */
final class DnsServers {
  /** How the system turns a name into an address: {@link InetAddress#getByName} in production. */
  @FunctionalInterface
  interface Lookup {
    InetAddress byName(String host) throws UnknownHostException;
  }

  private DnsServers() {}

  /**
   * @throws ConfigException naming DNS_SERVERS when a name does not resolve
   */
  static List<InetSocketAddress> resolve(List<InetSocketAddress> servers, Lookup lookup) {
    return servers.stream().map(server -> resolve(server, lookup)).toList();
  }

  private static InetSocketAddress resolve(InetSocketAddress server, Lookup lookup) {
    if (!server.isUnresolved()) {
      return server;
    }
    try {
      return new InetSocketAddress(lookup.byName(server.getHostString()), server.getPort());
    } catch (UnknownHostException e) {
      throw new ConfigException(
          "DNS_SERVERS entry "
              + Json.quote(server.getHostString())
              + " does not resolve to an address; use an IP address or a name the system resolves");
    }
  }
}
