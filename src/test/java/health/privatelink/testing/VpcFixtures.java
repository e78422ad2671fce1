package health.privatelink.testing;

import health.privatelink.Reason;
import health.privatelink.check.TargetResult;
import health.privatelink.check.Timings;
import health.privatelink.config.Target;
import health.privatelink.diagnose.Rules;
import health.privatelink.diagnose.Scope;
import health.privatelink.diagnose.SecurityGroup;
import health.privatelink.diagnose.VpcEndpoint;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One account for the diagnosis tests: a VPC, an interface endpoint for the provider's service, its
 * security group and the function's, with builders for the records that hold them.
 */
public final class VpcFixtures {
  public static final String HOST = "api.private.prefect.cloud";
  public static final String VPC = "vpc-0f1e2d3c4b5a69788";
  public static final String OTHER_VPC = "vpc-0aaa1111bbbb22223";
  public static final String ENDPOINT = "vpce-0abc1234def567890";
  public static final String SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0";
  public static final String ENDPOINT_GROUP = "sg-0123aaaa";
  public static final String FUNCTION_GROUP = "sg-0456bbbb";
  public static final String ENDPOINT_DNS =
      ENDPOINT + "-1a2b3c4d.vpce-svc-0123456789abcdef0.us-east-1.vpce.amazonaws.com";
  public static final String PRIVATE_DNS = "*.private.prefect.cloud";
  public static final InetAddress ENDPOINT_ADDRESS = TestReports.address("10.0.1.23");
  public static final InetAddress FUNCTION_ADDRESS = TestReports.address("10.0.3.7");

  private VpcFixtures() {}

  /** The function in {@link #VPC}, in {@link #FUNCTION_GROUP}. */
  public static Scope inVpc() {
    return new Scope(List.of(), Optional.of(VPC), List.of(FUNCTION_GROUP));
  }

  /** {@link #ENDPOINT}: available, Private DNS on, in {@link #ENDPOINT_GROUP}, both names. */
  public static EndpointBuilder endpoint() {
    return new EndpointBuilder();
  }

  /** {@link #ENDPOINT} in this state, with these names, for this service. */
  public static VpcEndpoint endpoint(
      String state, boolean privateDns, List<String> dnsNames, String service) {
    return endpoint()
        .state(state)
        .privateDns(privateDns)
        .dnsNames(dnsNames.toArray(String[]::new))
        .service(service)
        .build();
  }

  /** A {@link VpcEndpoint} set field by field. */
  public static final class EndpointBuilder {
    private String id = ENDPOINT;
    private String vpc = VPC;
    private String service = SERVICE;
    private String state = "available";
    private boolean privateDns = true;
    private List<String> groups = List.of(ENDPOINT_GROUP);
    private List<String> dnsNames = List.of(ENDPOINT_DNS, PRIVATE_DNS);
    private Optional<String> lastError = Optional.empty();
    private List<String> networkInterfaceIds = List.of();

    private EndpointBuilder() {}

    public EndpointBuilder id(String id) {
      this.id = id;
      return this;
    }

    public EndpointBuilder vpc(String vpc) {
      this.vpc = vpc;
      return this;
    }

    public EndpointBuilder service(String service) {
      this.service = service;
      return this;
    }

    public EndpointBuilder state(String state) {
      this.state = state;
      return this;
    }

    public EndpointBuilder privateDns(boolean privateDns) {
      this.privateDns = privateDns;
      return this;
    }

    public EndpointBuilder groups(String... groups) {
      this.groups = List.of(groups);
      return this;
    }

    public EndpointBuilder dnsNames(String... dnsNames) {
      this.dnsNames = List.of(dnsNames);
      return this;
    }

    /** EC2's last error, {@code "Code: message"}. */
    public EndpointBuilder lastError(String lastError) {
      this.lastError = Optional.of(lastError);
      return this;
    }

    /** The endpoint's network interfaces, one per Availability Zone. */
    public EndpointBuilder networkInterfaceIds(String... ids) {
      this.networkInterfaceIds = List.of(ids);
      return this;
    }

    public VpcEndpoint build() {
      return new VpcEndpoint(
          id,
          "Interface",
          vpc,
          service,
          state,
          privateDns,
          groups,
          dnsNames,
          lastError,
          networkInterfaceIds);
    }
  }

  public static SecurityGroup group(
      String id, List<SecurityGroup.Rule> inbound, List<SecurityGroup.Rule> outbound) {
    return new SecurityGroup(id, inbound, outbound);
  }

  /** TCP {@code port} from a group ({@code sg-...}) or a block. */
  public static SecurityGroup.Rule tcp(int port, String peer) {
    return tcp(port, port, peer);
  }

  /** TCP {@code from} to {@code to} from a group ({@code sg-...}), a prefix list or a block. */
  public static SecurityGroup.Rule tcp(int from, int to, String peer) {
    if (peer.startsWith("sg-")) {
      return new SecurityGroup.Rule("tcp", from, to, List.of(peer), List.of(), List.of());
    }
    if (peer.startsWith("pl-")) {
      return new SecurityGroup.Rule("tcp", from, to, List.of(), List.of(), List.of(peer));
    }
    return new SecurityGroup.Rule("tcp", from, to, List.of(), List.of(peer), List.of());
  }

  /** Outbound TCP {@code port} to a group or a block. */
  public static SecurityGroup.Rule tcpOut(int port, String peer) {
    return tcp(port, peer);
  }

  /** Every protocol and port from or to a block. */
  public static SecurityGroup.Rule all(String cidr) {
    return new SecurityGroup.Rule("-1", -1, -1, List.of(), List.of(cidr), List.of());
  }

  /** The checked target {@code prefect-api} at {@link #HOST}. */
  public static Target target() {
    return new Target(
        "prefect-api",
        URI.create("https://" + HOST + "/api/health"),
        Set.of(200),
        Duration.ofSeconds(5),
        Optional.empty(),
        List.of(),
        true);
  }

  private static final Timings UNTIMED =
      new Timings(
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Duration.ZERO);

  /** {@link #target()} failed for {@code reason}, at {@link #ENDPOINT_ADDRESS} once resolved. */
  public static TargetResult failed(Reason reason) {
    return TestReports.result(target())
        .failure(reason, "detail of " + reason)
        .addresses(TestReports.resolved(reason) ? List.of(ENDPOINT_ADDRESS) : List.of())
        .timings(UNTIMED)
        .build();
  }

  /** {@link #target()} passed at {@link #ENDPOINT_ADDRESS}. */
  public static TargetResult passed() {
    return TestReports.result(target())
        .addresses(ENDPOINT_ADDRESS)
        .status(200)
        .timings(UNTIMED)
        .build();
  }

  /**
   * The facts the rules get for a check of {@link #HOST} that failed for {@code reason}: the
   * function {@link #inVpc()} at {@link #FUNCTION_ADDRESS}, {@link #SERVICE} serving {@link
   * #PRIVATE_DNS}, no endpoint and no group until set.
   */
  public static FactsBuilder facts(Reason reason) {
    return new FactsBuilder(reason);
  }

  /** {@link Rules.Facts} set field by field. */
  public static final class FactsBuilder {
    private final Reason reason;
    private String host = HOST;
    private Scope scope = inVpc();
    private List<VpcEndpoint> endpoints = List.of();
    private final Map<String, SecurityGroup> groups = new LinkedHashMap<>();
    private List<String> functionGroups = List.of(FUNCTION_GROUP);
    private List<InetAddress> functionAddresses = List.of(FUNCTION_ADDRESS);
    private Rules.Network network = Rules.Network.NONE;

    private FactsBuilder(Reason reason) {
      this.reason = reason;
    }

    public FactsBuilder host(String host) {
      this.host = host;
      return this;
    }

    public FactsBuilder scope(Scope scope) {
      this.scope = scope;
      return this;
    }

    public FactsBuilder endpoints(List<VpcEndpoint> endpoints) {
      this.endpoints = List.copyOf(endpoints);
      return this;
    }

    public FactsBuilder groups(List<SecurityGroup> groups) {
      groups.forEach(g -> this.groups.put(g.id(), g));
      return this;
    }

    public FactsBuilder functionGroups(List<String> functionGroups) {
      this.functionGroups = List.copyOf(functionGroups);
      return this;
    }

    public FactsBuilder functionAddresses(List<InetAddress> functionAddresses) {
      this.functionAddresses = List.copyOf(functionAddresses);
      return this;
    }

    /** What the endpoint's network told: interfaces, ACLs, VPC attributes, its metrics. */
    public FactsBuilder network(Rules.Network network) {
      this.network = network;
      return this;
    }

    public Rules.Facts build() {
      return new Rules.Facts(
          host,
          443,
          reason,
          Rules.endpointAddresses(reason, List.of(ENDPOINT_ADDRESS)),
          scope,
          endpoints,
          Map.of(SERVICE, List.of(PRIVATE_DNS)),
          groups,
          functionGroups,
          functionAddresses,
          network);
    }
  }
}
