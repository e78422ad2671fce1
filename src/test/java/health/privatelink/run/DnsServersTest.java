package health.privatelink.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import health.privatelink.Deadline;
import health.privatelink.config.ConfigException;
import health.privatelink.dns.DnsResolver;
import health.privatelink.dns.Resolution;
import health.privatelink.testing.DnsTestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DNS_SERVERS given by name are looked up once, in the wiring, and a name that fails is named. */
class DnsServersTest {

  @Test
  void aResolverGivenByHostNameIsLookedUpOnceWhenBuilt() throws Exception {
    try (DnsTestServer dns = DnsTestServer.start()) {
      dns.on("by-name.example.test").a("10.0.1.23");
      // localhost is answered from the hosts file: no query leaves the machine.
      DnsResolver resolver =
          new DnsResolver(
              DnsServers.resolve(
                  List.of(InetSocketAddress.createUnresolved("localhost", dns.address().getPort())),
                  InetAddress::getByName));
      Resolution r =
          resolver.resolve("by-name.example.test", Deadline.after(Duration.ofSeconds(2)));
      assertEquals(
          new Resolution.Resolved(List.of(InetAddress.getByName("10.0.1.23"))).addresses(),
          ((Resolution.Resolved) r).addresses());
    }
  }

  @Test
  void onlyNamesAreLookedUpAndEachOnce() throws Exception {
    List<String> asked = new ArrayList<>();
    InetSocketAddress literal = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5353);
    List<InetSocketAddress> servers =
        DnsServers.resolve(
            List.of(literal, InetSocketAddress.createUnresolved("resolver.internal", 53)),
            host -> {
              asked.add(host);
              return InetAddress.getByAddress(host, new byte[] {10, 0, 0, 2});
            });
    assertEquals(List.of("resolver.internal"), asked);
    assertEquals(
        List.of(literal, new InetSocketAddress(InetAddress.getByName("10.0.0.2"), 53)), servers);
  }

  @Test
  void aNameThatDoesNotResolveIsAConfigurationErrorNamingIt() {
    // The lookup is a stub: a real one of a name that does not exist would ask a resolver.
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                DnsServers.resolve(
                    List.of(InetSocketAddress.createUnresolved("nonexistent.invalid", 53)),
                    host -> {
                      throw new UnknownHostException(host);
                    }));
    assertEquals(
        "DNS_SERVERS entry \"nonexistent.invalid\" does not resolve to an address; use an IP"
            + " address or a name the system resolves",
        e.getMessage());
  }
}
