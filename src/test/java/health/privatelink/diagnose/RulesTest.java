package health.privatelink.diagnose;

import static health.privatelink.testing.VpcFixtures.ENDPOINT;
import static health.privatelink.testing.VpcFixtures.ENDPOINT_DNS;
import static health.privatelink.testing.VpcFixtures.ENDPOINT_GROUP;
import static health.privatelink.testing.VpcFixtures.FUNCTION_ADDRESS;
import static health.privatelink.testing.VpcFixtures.FUNCTION_GROUP;
import static health.privatelink.testing.VpcFixtures.HOST;
import static health.privatelink.testing.VpcFixtures.PRIVATE_DNS;
import static health.privatelink.testing.VpcFixtures.SERVICE;
import static health.privatelink.testing.VpcFixtures.VPC;
import static health.privatelink.testing.VpcFixtures.all;
import static health.privatelink.testing.VpcFixtures.endpoint;
import static health.privatelink.testing.VpcFixtures.group;
import static health.privatelink.testing.VpcFixtures.inVpc;
import static health.privatelink.testing.VpcFixtures.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.privatelink.Reason;
import health.privatelink.testing.VpcFixtures;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The rules as a table: what the lookups found, and the one sentence it makes. */
class RulesTest {
  private static final String PAST_CONNECT =
      ": the cause is past the endpoint; check the network ACLs and routes between the function's"
          + " and the endpoint's subnets, then ask the provider";
  private static final Scope IN_VPC = inVpc();

  /** A row: the facts, built from a few knobs, and the expected sentence. */
  private record Case(
      String name,
      Reason reason,
      String host,
      Scope scope,
      List<VpcEndpoint> endpoints,
      List<SecurityGroup> groups,
      List<String> functionGroups,
      List<InetAddress> functionAddresses,
      String expected) {

    Rules.Facts facts() {
      return VpcFixtures.facts(reason)
          .host(host)
          .scope(scope)
          .endpoints(endpoints)
          .groups(groups)
          .functionGroups(functionGroups)
          .functionAddresses(functionAddresses)
          .build();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static Case row(
      String name,
      Reason reason,
      List<VpcEndpoint> endpoints,
      List<SecurityGroup> groups,
      String expected) {
    return new Case(
        name,
        reason,
        HOST,
        IN_VPC,
        endpoints,
        groups,
        List.of(FUNCTION_GROUP),
        List.of(FUNCTION_ADDRESS),
        expected);
  }

  private static final VpcEndpoint AVAILABLE = endpoint().build();
  private static final SecurityGroup OPEN_OUT =
      group(FUNCTION_GROUP, List.of(), List.of(all("0.0.0.0/0")));
  private static final SecurityGroup CLOSED_IN = group(ENDPOINT_GROUP, List.of(), List.of());

  static Stream<Arguments> cases() {
    return Stream.of(
            row(
                "a check that got a connection skips the security groups",
                Reason.HTTP_STATUS,
                List.of(AVAILABLE),
                List.of(CLOSED_IN, OPEN_OUT),
                ENDPOINT
                    + " is available, Private DNS is on and its security groups allow 443 from the"
                    + " function: the cause is past the endpoint; the connection got through; the"
                    + " provider's service is unhealthy, ask the provider"),
            row(
                "a DNS failure with everything in order points at the VPC's DNS",
                Reason.NXDOMAIN,
                List.of(AVAILABLE),
                List.of(
                    group(ENDPOINT_GROUP, List.of(tcp(443, FUNCTION_GROUP)), List.of()), OPEN_OUT),
                ENDPOINT
                    + " is available, Private DNS is on and its security groups allow 443 from the"
                    + " function: the cause is past the endpoint; check that the VPC has DNS"
                    + " resolution and DNS hostnames on, and that no Route 53 Resolver rule or"
                    + " private hosted zone overrides "
                    + HOST),
            row(
                "a prefix list peer is taken to admit the function",
                Reason.CONNECT_TIMEOUT,
                List.of(AVAILABLE),
                List.of(group(ENDPOINT_GROUP, List.of(tcp(443, "pl-0abc")), List.of()), OPEN_OUT),
                ENDPOINT
                    + " is available, Private DNS is on and its security groups allow 443 from the"
                    + " function"
                    + PAST_CONNECT),
            row(
                "a port range and any of several groups admit",
                Reason.CONNECT_TIMEOUT,
                List.of(
                    endpoint().groups(ENDPOINT_GROUP, "sg-0777dddd").dnsNames(PRIVATE_DNS).build()),
                List.of(
                    CLOSED_IN,
                    group("sg-0777dddd", List.of(tcp(0, 65535, FUNCTION_GROUP)), List.of()),
                    OPEN_OUT),
                ENDPOINT
                    + " is available, Private DNS is on and its security groups allow 443 from the"
                    + " function"
                    + PAST_CONNECT),
            row(
                "several endpoint groups that all refuse are named together",
                Reason.CONNECT_TIMEOUT,
                List.of(
                    endpoint().groups(ENDPOINT_GROUP, "sg-0777dddd").dnsNames(PRIVATE_DNS).build()),
                List.of(
                    CLOSED_IN,
                    group("sg-0777dddd", List.of(tcp(80, FUNCTION_GROUP)), List.of()),
                    OPEN_OUT),
                ENDPOINT_GROUP
                    + ", sg-0777dddd on "
                    + ENDPOINT
                    + " allow no inbound 443 from the function's security group "
                    + FUNCTION_GROUP
                    + ": add an inbound rule for TCP 443 from "
                    + FUNCTION_GROUP),
            row(
                "an old deleted endpoint for the same name is passed over",
                Reason.CONNECT_TIMEOUT,
                List.of(
                    endpoint()
                        .id("vpce-0old0000000000000")
                        .state("deleted")
                        .privateDns(false)
                        .groups()
                        .dnsNames(PRIVATE_DNS)
                        .build(),
                    AVAILABLE),
                List.of(
                    group(ENDPOINT_GROUP, List.of(tcp(443, FUNCTION_GROUP)), List.of()), OPEN_OUT),
                ENDPOINT
                    + " is available, Private DNS is on and its security groups allow 443 from the"
                    + " function"
                    + PAST_CONNECT),
            new Case(
                "an endpoint-specific name needs no Private DNS",
                Reason.CONNECT_TIMEOUT,
                ENDPOINT_DNS,
                IN_VPC,
                List.of(endpoint("available", false, List.of(ENDPOINT_DNS), SERVICE)),
                List.of(
                    group(ENDPOINT_GROUP, List.of(tcp(443, FUNCTION_GROUP)), List.of()), OPEN_OUT),
                List.of(FUNCTION_GROUP),
                List.of(FUNCTION_ADDRESS),
                ENDPOINT
                    + " is available and its security groups allow 443 from the function"
                    + PAST_CONNECT),
            new Case(
                "a named endpoint serves the target even when no name matches",
                Reason.NXDOMAIN,
                "health.internal.example.com",
                new Scope(List.of(ENDPOINT), Optional.empty(), List.of()),
                List.of(endpoint("available", false, List.of(ENDPOINT_DNS), SERVICE)),
                List.of(),
                List.of(),
                List.of(),
                "Private DNS is disabled on "
                    + ENDPOINT
                    + ": enable \"Private DNS names\" on the endpoint"),
            new Case(
                "unknown function groups and address: a block is taken to admit it",
                Reason.CONNECT_TIMEOUT,
                HOST,
                new Scope(List.of(), Optional.of(VPC), List.of()),
                List.of(AVAILABLE),
                List.of(group(ENDPOINT_GROUP, List.of(tcp(443, "10.0.0.0/16")), List.of())),
                List.of(),
                List.of(),
                ENDPOINT
                    + " is available, Private DNS is on and its security groups allow 443 from the"
                    + " function"
                    + PAST_CONNECT),
            new Case(
                "unknown function groups and address: no rule for the port at all",
                Reason.CONNECT_TIMEOUT,
                HOST,
                new Scope(List.of(), Optional.of(VPC), List.of()),
                List.of(AVAILABLE),
                List.of(group(ENDPOINT_GROUP, List.of(tcp(22, "10.0.0.0/16")), List.of())),
                List.of(),
                List.of(),
                ENDPOINT_GROUP
                    + " on "
                    + ENDPOINT
                    + " allows no inbound 443 from the function: add an inbound rule for TCP 443"
                    + " from the function's security group"),
            new Case(
                "only the function's address is known",
                Reason.CONNECT_TIMEOUT,
                HOST,
                new Scope(List.of(), Optional.of(VPC), List.of()),
                List.of(AVAILABLE),
                List.of(group(ENDPOINT_GROUP, List.of(tcp(443, "10.0.1.0/24")), List.of())),
                List.of(),
                List.of(FUNCTION_ADDRESS),
                ENDPOINT_GROUP
                    + " on "
                    + ENDPOINT
                    + " allows no inbound 443 from the function's address 10.0.3.7: add an"
                    + " inbound rule for TCP 443 from the function's security group or 10.0.3.7"),
            row(
                "outbound to the endpoint's address block is enough",
                Reason.CONNECT_REFUSED,
                List.of(AVAILABLE),
                List.of(
                    group(ENDPOINT_GROUP, List.of(tcp(443, FUNCTION_GROUP)), List.of()),
                    group(FUNCTION_GROUP, List.of(), List.of(tcp(443, "10.0.1.0/24")))),
                ENDPOINT
                    + " is available, Private DNS is on and its security groups allow 443 from the"
                    + " function"
                    + PAST_CONNECT),
            row(
                "outbound to another block is not",
                Reason.CONNECT_REFUSED,
                List.of(AVAILABLE),
                List.of(
                    group(ENDPOINT_GROUP, List.of(tcp(443, FUNCTION_GROUP)), List.of()),
                    group(FUNCTION_GROUP, List.of(), List.of(tcp(443, "192.168.0.0/16")))),
                "the function's security group "
                    + FUNCTION_GROUP
                    + " allows no outbound 443 to "
                    + ENDPOINT
                    + ": add an outbound rule for TCP 443 to "
                    + ENDPOINT_GROUP),
            row(
                "an unknown state is named as it is",
                Reason.CONNECT_REFUSED,
                List.of(endpoint("partial", true, List.of(PRIVATE_DNS), SERVICE)),
                List.of(),
                ENDPOINT + " is partial, not available: check it in the VPC console"))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void sentence(Case c) {
    assertEquals(c.expected(), Rules.diagnose(c.facts()));
  }

  static Stream<Arguments> names() {
    return Stream.of(
        Arguments.of("*.private.prefect.cloud", "api.private.prefect.cloud", true),
        Arguments.of("*.private.prefect.cloud", "a.b.private.prefect.cloud", true),
        Arguments.of("*.private.prefect.cloud", "private.prefect.cloud", false),
        Arguments.of("*.private.prefect.cloud", "api.notprivate.prefect.cloud", false),
        Arguments.of("API.Private.Prefect.Cloud.", "api.private.prefect.cloud", true),
        Arguments.of("api.private.prefect.cloud", "app.private.prefect.cloud", false));
  }

  @ParameterizedTest(name = "{0} names {1}: {2}")
  @MethodSource("names")
  void namesHost(String pattern, String host, boolean names) {
    assertEquals(names, Rules.namesHost(pattern, host));
  }
}
