package health.privatelink.diagnose;

import health.privatelink.Addresses;
import health.privatelink.Reason;
import health.privatelink.check.EndpointResult;
import health.privatelink.config.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The diagnosis: one sentence, with the fix, from what the EC2 lookups returned. A pure function,
 * so each cause is a row in a table test.
 *
 * <p>When several things are wrong it names the one to fix first, in this order: the endpoint is
 * missing or in another VPC; its state is not {@code available}; Private DNS is off; its security
 * groups admit nothing from the function; the function's groups let nothing out to it. Each later
 * fix is useless until the earlier one is made. Where it cannot be sure (a peer given by prefix
 * list, an address it cannot see) it assumes the rule applies: it never blames a rule it cannot
 * read.
 */
public final class Rules {
  private Rules() {}

  /**
   * What the lookups found for one failing target.
   *
   * @param host the target's host name
   * @param port the target's port
   * @param reason why the check failed
   * @param endpointAddresses the endpoint addresses the check tried to connect to; empty when it
   *     never got that far
   * @param scope what was configured
   * @param endpoints the endpoints looked up: the named ones that exist, or all of the VPC's
   * @param servicePrivateDnsNames private DNS names per endpoint service, when they were needed
   * @param groups the security groups looked up, by ID
   * @param functionGroupIds the function's own security groups, when known
   * @param functionAddresses the function's own addresses, when known
   * @param network what the lookups found of the resolved addresses, their subnets and the VPC
   */
  public record Facts(
      String host,
      int port,
      Reason reason,
      List<InetAddress> endpointAddresses,
      Scope scope,
      List<VpcEndpoint> endpoints,
      Map<String, List<String>> servicePrivateDnsNames,
      Map<String, SecurityGroup> groups,
      List<String> functionGroupIds,
      List<InetAddress> functionAddresses,
      Network network) {

    public Facts {
      Objects.requireNonNull(network, "network");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(reason, "reason");
      endpointAddresses = List.copyOf(endpointAddresses);
      Objects.requireNonNull(scope, "scope");
      endpoints = List.copyOf(endpoints);
      servicePrivateDnsNames = Map.copyOf(servicePrivateDnsNames);
      groups = Map.copyOf(groups);
      functionGroupIds = List.copyOf(functionGroupIds);
      functionAddresses = List.copyOf(functionAddresses);
    }
  }

  /**
   * What the lookups found of the target's addresses and the endpoint's network.
   *
   * @param resolved every resolved address, in answer order
   * @param results the check of each address connected to
   * @param interfaces the network interfaces holding resolved addresses, when they were looked up
   * @param acls the network ACLs of the subnets of failing addresses, when they were looked up
   * @param metrics the endpoint's own counts per subnet, when they were read
   * @param vpcDns the VPC's DNS attributes, when they were looked up
   */
  public record Network(
      List<InetAddress> resolved,
      List<EndpointResult> results,
      Optional<List<NetworkInterface>> interfaces,
      List<NetworkAcl> acls,
      Map<String, EndpointMetrics.Counts> metrics,
      Optional<VpcDns> vpcDns) {

    /** Nothing looked up. */
    public static final Network NONE =
        new Network(List.of(), List.of(), Optional.empty(), List.of(), Map.of(), Optional.empty());

    public Network {
      resolved = List.copyOf(resolved);
      results = List.copyOf(results);
      interfaces = interfaces.map(List::copyOf);
      acls = List.copyOf(acls);
      metrics = Map.copyOf(metrics);
      Objects.requireNonNull(vpcDns, "vpcDns");
    }

    /** The interface holding {@code address}, when it was looked up and found. */
    public Optional<NetworkInterface> interfaceOf(InetAddress address) {
      return interfaces.orElse(List.of()).stream()
          .filter(eni -> eni.addresses().stream().anyMatch(a -> same(a, address)))
          .findFirst();
    }

    /** The Availability Zone ID of each resolved address whose interface was found. */
    public Map<InetAddress, String> zones() {
      Map<InetAddress, String> zones = new LinkedHashMap<>();
      for (InetAddress a : resolved) {
        interfaceOf(a)
            .filter(eni -> !eni.zoneId().isEmpty())
            .ifPresent(eni -> zones.put(a, eni.zoneId()));
      }
      return zones;
    }
  }

  /**
   * A VPC's DNS attributes, both of which Private DNS needs.
   *
   * @param vpcId the VPC
   * @param dnsSupport {@code enableDnsSupport}: the Route 53 Resolver answers in the VPC
   * @param dnsHostnames {@code enableDnsHostnames}
   */
  public record VpcDns(String vpcId, boolean dnsSupport, boolean dnsHostnames) {}

  /** Whether some addresses failed while others passed: one zone broken, not the service. */
  public static boolean someAddressesFail(List<EndpointResult> results) {
    return results.stream().anyMatch(EndpointResult::healthy)
        && results.stream().anyMatch(r -> !r.healthy());
  }

  /**
   * Whether the resolved addresses are worth placing in the endpoint's interfaces: for an available
   * interface endpoint, when its interfaces are known or some addresses fail while others pass.
   */
  public static boolean placesAddresses(
      VpcEndpoint e, List<InetAddress> resolved, List<EndpointResult> results) {
    return isInterface(e)
        && e.state().equalsIgnoreCase("available")
        && !resolved.isEmpty()
        && (!e.networkInterfaceIds().isEmpty() || someAddressesFail(results));
  }

  /** Whether an NXDOMAIN is worth checking the VPC's DNS attributes for. */
  public static boolean checksVpcDns(Reason reason, String host, VpcEndpoint e) {
    return reason == Reason.NXDOMAIN
        && isInterface(e)
        && e.state().equalsIgnoreCase("available")
        && !endpointSpecificName(host, e);
  }

  /** The diagnosis of one failing target. */
  public static String diagnose(Facts f) {
    Optional<VpcEndpoint> serving =
        servingEndpoint(f.host(), f.endpoints(), f.servicePrivateDnsNames(), f.scope().named());
    if (serving.isEmpty()) {
      if (f.scope().named()) {
        List<String> missing = f.scope().vpcEndpointIds();
        return String.join(", ", missing)
            + " from VPC_ENDPOINT_IDS "
            + (missing.size() == 1 ? "does" : "do")
            + " not exist in this account and region: correct VPC_ENDPOINT_IDS";
      }
      return "no VPC endpoint in "
          + f.scope().vpcId().orElse("the VPC")
          + " serves "
          + f.host()
          + ": create an interface endpoint for the service with Private DNS";
    }
    VpcEndpoint e = serving.get();
    String id = e.id();
    Optional<String> functionVpc = f.scope().vpcId();
    if (functionVpc.isPresent() && !functionVpc.get().equals(e.vpcId())) {
      return id
          + " is in "
          + e.vpcId()
          + ", not in the function's "
          + functionVpc.get()
          + ": create an endpoint for the service in "
          + functionVpc.get();
    }
    if (!e.state().equalsIgnoreCase("available")) {
      return notAvailable(e);
    }
    boolean interfaceEndpoint = isInterface(e);
    boolean privateDnsMatters = interfaceEndpoint && !endpointSpecificName(f.host(), e);
    if (f.reason() == Reason.NXDOMAIN && privateDnsMatters) {
      Optional<String> vpcDns = f.network().vpcDns().flatMap(d -> vpcDnsOff(d, id));
      if (vpcDns.isPresent()) {
        return vpcDns.get();
      }
    }
    if (privateDnsMatters && !e.privateDnsEnabled()) {
      return "Private DNS is disabled on " + id + ": enable \"Private DNS names\" on the endpoint";
    }
    Optional<String> foreign = foreignAddresses(f, e);
    if (foreign.isPresent()) {
      return foreign.get();
    }
    Optional<String> zones = brokenZones(f, e);
    if (zones.isPresent()) {
      return zones.get();
    }
    boolean checkGroups = interfaceEndpoint && !e.groupIds().isEmpty() && !connected(f.reason());
    if (checkGroups) {
      Optional<String> inbound = inbound(f, e);
      if (inbound.isPresent()) {
        return inbound.get();
      }
      Optional<String> outbound = outbound(f, e);
      if (outbound.isPresent()) {
        return outbound.get();
      }
    }
    List<String> fine = new ArrayList<>();
    if (privateDnsMatters) {
      fine.add("Private DNS is on");
    }
    if (interfaceEndpoint && !e.groupIds().isEmpty()) {
      fine.add("its security groups allow " + f.port() + " from the function");
    }
    return id
        + " is available"
        + (fine.isEmpty() ? "" : fine.size() == 1 ? " and " + fine.getFirst() : ", " + and(fine))
        + ": the cause is past the endpoint; "
        + pastTheEndpoint(f.reason(), f.host());
  }

  private static Optional<String> vpcDnsOff(VpcDns d, String endpointId) {
    List<String> off = new ArrayList<>();
    List<String> settings = new ArrayList<>();
    if (!d.dnsSupport()) {
      off.add("enableDnsSupport");
      settings.add("\"DNS resolution\"");
    }
    if (!d.dnsHostnames()) {
      off.add("enableDnsHostnames");
      settings.add("\"DNS hostnames\"");
    }
    if (off.isEmpty()) {
      return Optional.empty();
    }
    boolean both = off.size() == 2;
    return Optional.of(
        String.join(" and ", off)
            + (both ? " are" : " is")
            + " off on "
            + d.vpcId()
            + ", and Private DNS on "
            + endpointId
            + " needs "
            + (both ? "both" : "it")
            + ": turn on "
            + String.join(" and ", settings)
            + " in the VPC's settings");
  }

  /**
   * Resolved addresses that are none of the serving endpoint's interfaces: something else answers
   * for the name. Judged only when the endpoint's interfaces and the addresses' were looked up.
   */
  private static Optional<String> foreignAddresses(Facts f, VpcEndpoint e) {
    Network n = f.network();
    if (e.networkInterfaceIds().isEmpty() || n.interfaces().isEmpty() || n.resolved().isEmpty()) {
      return Optional.empty();
    }
    List<String> foreign =
        n.resolved().stream()
            .filter(a ->
                n.interfaceOf(a)
                    .map(eni -> !e.networkInterfaceIds().contains(eni.id()))
                    .orElse(true))
            .map(InetAddress::getHostAddress)
            .toList();
    if (foreign.isEmpty()) {
      return Optional.empty();
    }
    boolean one = foreign.size() == 1;
    return Optional.of(
        f.host()
            + " resolved to "
            + listed(foreign)
            + (foreign.size() < n.resolved().size()
                ? " (" + foreign.size() + " of " + n.resolved().size() + " addresses)"
                : "")
            + ", which "
            + (one ? "is" : "are")
            + " not "
            + (one ? "an address" : "addresses")
            + " of "
            + e.id()
            + ": a private hosted zone, a Route 53 Resolver rule or a stale record overrides the"
            + " endpoint's DNS; check the private hosted zones and Resolver rules of "
            + e.vpcId()
            + " for "
            + f.host()
            + " and remove the records that answer "
            + (one ? "it" : "them"));
  }

  /**
   * Some addresses fail while others pass: for each failing one placed in its subnet, the network
   * ACL rule that blocks it, or else the provider's side of that zone.
   */
  private static Optional<String> brokenZones(Facts f, VpcEndpoint e) {
    Network n = f.network();
    if (!someAddressesFail(n.results())) {
      return Optional.empty();
    }
    long passing = n.results().stream().filter(EndpointResult::healthy).count();
    List<String> clauses = new ArrayList<>();
    for (EndpointResult r : n.results()) {
      if (r.healthy()) {
        continue;
      }
      Optional<NetworkInterface> eni = n.interfaceOf(r.address());
      if (eni.isEmpty()) {
        continue;
      }
      clauses.add(zoneClause(f, r.address(), eni.get(), passing, n.results().size()));
    }
    return clauses.isEmpty() ? Optional.empty() : Optional.of(String.join("; also ", clauses));
  }

  private static String zoneClause(
      Facts f, InetAddress address, NetworkInterface eni, long passing, int checked) {
    String zone = eni.zoneId().isEmpty() ? "its zone" : eni.zoneId();
    String where = address.getHostAddress() + " in " + zone + " (" + eni.subnetId() + ")";
    Optional<InetAddress> function =
        f.functionAddresses().stream()
            .filter(a -> a.getAddress().length == address.getAddress().length)
            .findFirst();
    String from = function.map(InetAddress::getHostAddress).orElse("the function");
    Optional<NetworkAcl> acl =
        f.network().acls().stream().filter(a -> a.subnetIds().contains(eni.subnetId())).findFirst();
    String clause;
    Optional<NetworkAcl.Block> block = acl.flatMap(a -> a.judge(function, address, f.port()));
    if (block.isPresent()) {
      String rule = "network ACL " + acl.get().id() + " rule " + block.get().rule() + " denies ";
      clause =
          block.get().egress()
              ? where
                  + ": "
                  + rule
                  + "the replies, TCP "
                  + NetworkAcl.EPHEMERAL_FROM
                  + "-"
                  + NetworkAcl.EPHEMERAL_TO
                  + " out to "
                  + from
                  + "; allow them, and TCP "
                  + f.port()
                  + " in"
              : where
                  + ": "
                  + rule
                  + "TCP "
                  + f.port()
                  + " in from "
                  + from
                  + "; allow it, and the ephemeral ports "
                  + NetworkAcl.EPHEMERAL_FROM
                  + "-"
                  + NetworkAcl.EPHEMERAL_TO
                  + " back out";
    } else {
      clause =
          where
              + " fails while "
              + passing
              + " of "
              + checked
              + " addresses pass"
              + acl.map(a -> " and network ACL " + a.id() + " lets it through").orElse("")
              + ": the cause is on the provider's side in "
              + zone
              + ", where their load balancer has no healthy target; ask the provider to check"
              + " their targets in "
              + zone
              + " or to enable cross-zone load balancing";
    }
    EndpointMetrics.Counts counts = f.network().metrics().get(eni.subnetId());
    if (counts != null) {
      clause +=
          "; the endpoint dropped "
              + counts.packetsDropped()
              + (counts.packetsDropped() == 1 ? " packet" : " packets")
              + " and received "
              + counts.resetsReceived()
              + (counts.resetsReceived() == 1 ? " reset" : " resets")
              + " in "
              + eni.subnetId()
              + " in the last "
              + EndpointMetrics.WINDOW.toMinutes()
              + " minutes";
    }
    return clause;
  }

  private static String listed(List<String> items) {
    return items.size() == 1 ? items.getFirst() : and(items);
  }

  private static boolean same(String literal, InetAddress address) {
    return Addresses.literal(literal).map(address::equals).orElse(false);
  }

  /**
   * Whether matching {@code host} needs the services' private DNS names: no endpoint lists it among
   * its own DNS names (it does not while Private DNS is off).
   */
  public static boolean needsServiceNames(String host, List<VpcEndpoint> endpoints) {
    return endpoints.stream()
        .noneMatch(e -> e.dnsNames().stream().anyMatch(name -> namesHost(name, host)));
  }

  /**
   * The endpoint that serves {@code host}: one whose DNS names or service's private DNS names match
   * it, or, for named endpoints none of which matches, any of them. Where several qualify (an old
   * one lingers as {@code deleted}, say), the liveliest: available before pending before failed
   * before gone, Private DNS on first.
   */
  public static Optional<VpcEndpoint> servingEndpoint(
      String host,
      List<VpcEndpoint> endpoints,
      Map<String, List<String>> servicePrivateDnsNames,
      boolean named) {
    List<VpcEndpoint> matching =
        endpoints.stream()
            .filter(e ->
                e.dnsNames().stream().anyMatch(n -> namesHost(n, host))
                    || servicePrivateDnsNames.getOrDefault(e.serviceName(), List.of()).stream()
                        .anyMatch(n -> namesHost(n, host)))
            .toList();
    if (matching.isEmpty() && named) {
      matching = endpoints;
    }
    return matching.stream()
        .min(
            Comparator.comparingInt((VpcEndpoint e) -> liveliness(e.state()))
                .thenComparing(e -> !e.privateDnsEnabled()));
  }

  /**
   * Whether the DNS name {@code pattern} names {@code host}: equal ignoring case and a final dot,
   * or a wildcard {@code *.example.com} covering any name under {@code example.com}.
   */
  public static boolean namesHost(String pattern, String host) {
    String p = normalize(pattern);
    String h = normalize(host);
    if (p.startsWith("*.")) {
      return h.endsWith(p.substring(1)) && h.length() > p.length() - 1;
    }
    return p.equals(h);
  }

  /** Whether the security group checks apply: for a check that got a connection, they passed. */
  public static boolean checksSecurityGroups(Reason reason, VpcEndpoint endpoint) {
    return !connected(reason) && isInterface(endpoint) && !endpoint.groupIds().isEmpty();
  }

  /** The addresses of the endpoint a failed check tried; only a failed connection has them. */
  public static List<InetAddress> endpointAddresses(Reason reason, List<InetAddress> resolved) {
    return switch (reason) {
      case CONNECT_TIMEOUT, CONNECT_REFUSED -> resolved;
      case NXDOMAIN,
          DNS_NODATA,
          DNS_ERROR,
          DNS_TIMEOUT,
          NOT_PRIVATE_IP,
          TLS_ERROR,
          HTTP_TIMEOUT,
          HTTP_STATUS,
          BODY_MISMATCH ->
          List.of();
    };
  }

  private static boolean connected(Reason reason) {
    return switch (reason) {
      case TLS_ERROR, HTTP_TIMEOUT, HTTP_STATUS, BODY_MISMATCH -> true;
      case NXDOMAIN,
          DNS_NODATA,
          DNS_ERROR,
          DNS_TIMEOUT,
          NOT_PRIVATE_IP,
          CONNECT_TIMEOUT,
          CONNECT_REFUSED ->
          false;
    };
  }

  private static String notAvailable(VpcEndpoint e) {
    String is = e.id() + " is " + e.state() + ": ";
    return switch (e.state().toLowerCase(Locale.ROOT)) {
      case "pendingacceptance" ->
          is + "the provider has not accepted the connection yet; ask them to accept it";
      case "pending" -> is + "the endpoint is still being set up; wait a few minutes";
      case "rejected" ->
          is
              + "the provider rejected the connection; ask them to allow your account, then"
              + " delete the endpoint and create it again";
      case "failed" ->
          is
              + "the endpoint could not be created"
              + e.lastError().map(err -> " (" + err + ")").orElse("")
              + "; delete it and create it again";
      case "expired" ->
          is
              + "the provider did not accept the connection in time; create the endpoint again"
              + " and ask them to accept it";
      case "deleting", "deleted" ->
          is + "the endpoint is gone; create an interface endpoint for the service again";
      default -> e.id() + " is " + e.state() + ", not available: check it in the VPC console";
    };
  }

  /** Whether some inbound rule of the endpoint's groups admits the function on the port. */
  private static Optional<String> inbound(Facts f, VpcEndpoint e) {
    List<SecurityGroup> groups = known(e.groupIds(), f.groups());
    if (groups.size() < e.groupIds().size()) {
      return Optional.empty(); // a group it cannot read might allow it
    }
    for (SecurityGroup g : groups) {
      for (SecurityGroup.Rule rule : g.inbound()) {
        if (rule.allowsTcp(f.port()) && admits(rule, f.functionGroupIds(), f.functionAddresses())) {
          return Optional.empty();
        }
      }
    }
    String from;
    String fix;
    if (!f.functionGroupIds().isEmpty()) {
      from = "the function's " + groupsWord(f.functionGroupIds());
      fix = "from " + String.join(" or ", f.functionGroupIds());
    } else if (!f.functionAddresses().isEmpty()) {
      String address = f.functionAddresses().getFirst().getHostAddress();
      from = "the function's address " + address;
      fix = "from the function's security group or " + address;
    } else {
      from = "the function";
      fix = "from the function's security group";
    }
    return Optional.of(
        String.join(", ", e.groupIds())
            + " on "
            + e.id()
            + (e.groupIds().size() == 1 ? " allows" : " allow")
            + " no inbound "
            + f.port()
            + " from "
            + from
            + ": add an inbound rule for TCP "
            + f.port()
            + " "
            + fix);
  }

  /** Whether some outbound rule of the function's groups lets it reach the endpoint on the port. */
  private static Optional<String> outbound(Facts f, VpcEndpoint e) {
    List<SecurityGroup> groups = known(f.functionGroupIds(), f.groups());
    if (f.functionGroupIds().isEmpty() || groups.size() < f.functionGroupIds().size()) {
      return Optional.empty();
    }
    for (SecurityGroup g : groups) {
      for (SecurityGroup.Rule rule : g.outbound()) {
        if (rule.allowsTcp(f.port()) && admits(rule, e.groupIds(), f.endpointAddresses())) {
          return Optional.empty();
        }
      }
    }
    return Optional.of(
        "the function's "
            + groupsWord(f.functionGroupIds())
            + (f.functionGroupIds().size() == 1 ? " allows" : " allow")
            + " no outbound "
            + f.port()
            + " to "
            + e.id()
            + ": add an outbound rule for TCP "
            + f.port()
            + " to "
            + String.join(" or ", e.groupIds()));
  }

  /**
   * Whether a rule's peers include the other side: one of its groups, a block holding one of its
   * addresses, or a peer that cannot be judged here (a prefix list; a block while the addresses are
   * unknown).
   */
  private static boolean admits(
      SecurityGroup.Rule rule, Collection<String> peerGroups, List<InetAddress> peerAddresses) {
    if (!rule.prefixListIds().isEmpty()) {
      return true;
    }
    if (rule.groupIds().stream().anyMatch(Set.copyOf(peerGroups)::contains)) {
      return true;
    }
    for (String block : rule.cidrs()) {
      if (peerAddresses.isEmpty()) {
        return true;
      }
      Optional<Cidr> cidr = parse(block);
      if (cidr.isEmpty() || peerAddresses.stream().anyMatch(cidr.get()::contains)) {
        return true;
      }
    }
    return false;
  }

  private static Optional<Cidr> parse(String block) {
    try {
      return Optional.of(Cidr.parse(block));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static List<SecurityGroup> known(List<String> ids, Map<String, SecurityGroup> groups) {
    return ids.stream().map(groups::get).filter(Objects::nonNull).toList();
  }

  private static String groupsWord(List<String> ids) {
    return (ids.size() == 1 ? "security group " : "security groups ") + String.join(", ", ids);
  }

  private static String pastTheEndpoint(Reason reason, String host) {
    return switch (reason) {
      case NXDOMAIN, DNS_NODATA, DNS_ERROR, DNS_TIMEOUT, NOT_PRIVATE_IP ->
          "check that the VPC has DNS resolution and DNS hostnames on, and that no Route 53"
              + " Resolver rule or private hosted zone overrides "
              + host;
      case CONNECT_TIMEOUT, CONNECT_REFUSED ->
          "check the network ACLs and routes between the function's and the endpoint's subnets,"
              + " then ask the provider";
      case TLS_ERROR -> "the connection got through; check the certificate the provider serves";
      case HTTP_TIMEOUT, HTTP_STATUS, BODY_MISMATCH ->
          "the connection got through; the provider's service is unhealthy, ask the provider";
    };
  }

  private static boolean isInterface(VpcEndpoint e) {
    return e.type().equalsIgnoreCase("Interface");
  }

  private static boolean endpointSpecificName(String host, VpcEndpoint e) {
    return normalize(host).startsWith(e.id().toLowerCase(Locale.ROOT) + "-");
  }

  private static int liveliness(String state) {
    return switch (state.toLowerCase(Locale.ROOT)) {
      case "available" -> 0;
      case "pendingacceptance", "pending", "partial" -> 1;
      case "failed", "rejected", "expired" -> 2;
      default -> 3;
    };
  }

  private static String normalize(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  private static String and(List<String> parts) {
    return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.getLast();
  }
}
