package health.privatelink.testing;

import health.privatelink.diagnose.NetworkAcl;
import health.privatelink.diagnose.NetworkInterface;
import health.privatelink.diagnose.SecurityGroup;
import health.privatelink.diagnose.VpcEndpoint;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * EC2 on 127.0.0.1, speaking the query protocol (form POST in, XML out) as EC2 does for the calls
 * the diagnosis makes: DescribeVpcEndpoints, DescribeVpcEndpointServices, DescribeSecurityGroups
 * DescribeNetworkInterfaces, DescribeNetworkAcls and DescribeVpcAttribute, with the filters it
 * uses. Each test describes its account with {@link #endpoint}, {@link #service}, {@link #group},
 * {@link #networkInterface}, {@link #endpointInterface}, {@link #networkAcl} and {@link
 * #vpcAttributes}; every request is recorded; {@link #replyNext} and {@link #replyAlways} make it
 * deny, throttle, fail, drop or hang instead.
 */
public final class Ec2TestServer extends QueryTestServer<Ec2TestServer> {

  private final List<VpcEndpoint> endpoints = new CopyOnWriteArrayList<>();
  private final Map<String, List<String>> services = new LinkedHashMap<>();
  private final Map<String, SecurityGroup> groups = new LinkedHashMap<>();
  private final Map<String, List<String>> interfaces = new LinkedHashMap<>();
  private final List<NetworkInterface> placedInterfaces = new CopyOnWriteArrayList<>();
  private final List<NetworkAcl> acls = new CopyOnWriteArrayList<>();
  private final Map<String, Map<String, Boolean>> vpcAttributes = new LinkedHashMap<>();

  private Ec2TestServer() {}

  /** Starts a server on a free port of 127.0.0.1 with an empty account. */
  public static Ec2TestServer start() {
    return new Ec2TestServer().listen();
  }

  /** Adds a VPC endpoint to the account. */
  public synchronized Ec2TestServer endpoint(VpcEndpoint endpoint) {
    endpoints.add(endpoint);
    return this;
  }

  /** Adds an endpoint service with its private DNS names. */
  public synchronized Ec2TestServer service(String serviceName, String... privateDnsNames) {
    services.put(serviceName, List.of(privateDnsNames));
    return this;
  }

  /** Adds a security group. */
  public synchronized Ec2TestServer group(SecurityGroup group) {
    groups.put(group.id(), group);
    return this;
  }

  /** Adds a network interface holding {@code privateAddress}, in {@code groupIds}. */
  public synchronized Ec2TestServer networkInterface(String privateAddress, String... groupIds) {
    interfaces.put(privateAddress, List.of(groupIds));
    return this;
  }

  /** Adds a network interface with its subnet, Availability Zone ID and addresses. */
  public synchronized Ec2TestServer endpointInterface(NetworkInterface eni) {
    placedInterfaces.add(eni);
    return this;
  }

  /** Adds a network ACL, associated with its subnets. */
  public synchronized Ec2TestServer networkAcl(NetworkAcl acl) {
    acls.add(acl);
    return this;
  }

  /** Sets a VPC's DNS attributes; a VPC not set has both on, as a working VPC does. */
  public synchronized Ec2TestServer vpcAttributes(
      String vpcId, boolean enableDnsSupport, boolean enableDnsHostnames) {
    vpcAttributes.put(
        vpcId,
        Map.of("enableDnsSupport", enableDnsSupport, "enableDnsHostnames", enableDnsHostnames));
    return this;
  }

  @Override
  protected Response answer(Request request) {
    String answer = answer(request.action(), request.params());
    if (answer == null) {
      return xml(400, error("InvalidAction", "The action " + request.action() + " is not valid"));
    }
    return xml(200, answer);
  }

  @Override
  protected Response fault(Reply reply, Throwable cause) {
    return switch (reply) {
      case DENIED ->
          xml(
              403,
              error("UnauthorizedOperation", "You are not authorized to perform this operation."));
      case THROTTLING -> xml(503, error("RequestLimitExceeded", "Request limit exceeded."));
      default ->
          xml(
              500,
              error(
                  "InternalError",
                  cause == null ? "An internal error has occurred" : String.valueOf(cause)));
    };
  }

  private synchronized String answer(String action, Map<String, String> params) {
    StringBuilder xml = new StringBuilder();
    switch (action) {
      case "DescribeVpcEndpoints" -> {
        List<String> ids = filter(params, "vpc-endpoint-id");
        List<String> vpcs = filter(params, "vpc-id");
        xml.append("<vpcEndpointSet>");
        for (VpcEndpoint e : endpoints) {
          if ((ids.isEmpty() || ids.contains(e.id()))
              && (vpcs.isEmpty() || vpcs.contains(e.vpcId()))) {
            endpoint(xml, e);
          }
        }
        xml.append("</vpcEndpointSet>");
      }
      case "DescribeVpcEndpointServices" -> {
        xml.append("<serviceNameSet>");
        List<String> asked = numbered(params, "ServiceName");
        for (String name : services.keySet()) {
          if (asked.isEmpty() || asked.contains(name)) {
            xml.append("<item>").append(escape(name)).append("</item>");
          }
        }
        xml.append("</serviceNameSet><serviceDetailSet>");
        for (Map.Entry<String, List<String>> s : services.entrySet()) {
          if (!asked.isEmpty() && !asked.contains(s.getKey())) {
            continue;
          }
          xml.append("<item>").append(tag("serviceName", s.getKey()));
          if (!s.getValue().isEmpty()) {
            xml.append(tag("privateDnsName", s.getValue().getFirst()));
          }
          xml.append("<privateDnsNameSet>");
          for (String n : s.getValue()) {
            xml.append("<item>").append(tag("privateDnsName", n)).append("</item>");
          }
          xml.append("</privateDnsNameSet></item>");
        }
        xml.append("</serviceDetailSet>");
      }
      case "DescribeSecurityGroups" -> {
        List<String> ids = filter(params, "group-id");
        xml.append("<securityGroupInfo>");
        for (SecurityGroup g : groups.values()) {
          if (ids.isEmpty() || ids.contains(g.id())) {
            group(xml, g);
          }
        }
        xml.append("</securityGroupInfo>");
      }
      case "DescribeNetworkInterfaces" -> {
        List<String> addresses = filter(params, "addresses.private-ip-address");
        xml.append("<networkInterfaceSet>");
        for (Map.Entry<String, List<String>> eni : interfaces.entrySet()) {
          if (addresses.isEmpty() || addresses.contains(eni.getKey())) {
            xml.append("<item>")
                .append(tag("networkInterfaceId", "eni-" + Integer.toHexString(eni.hashCode())))
                .append(tag("privateIpAddress", eni.getKey()))
                .append("<groupSet>");
            for (String g : eni.getValue()) {
              xml.append("<item>").append(tag("groupId", g)).append("</item>");
            }
            xml.append("</groupSet></item>");
          }
        }
        for (NetworkInterface eni : placedInterfaces) {
          if (addresses.isEmpty() || eni.addresses().stream().anyMatch(addresses::contains)) {
            networkInterface(xml, eni);
          }
        }
        xml.append("</networkInterfaceSet>");
      }
      case "DescribeNetworkAcls" -> {
        List<String> subnets = filter(params, "association.subnet-id");
        xml.append("<networkAclSet>");
        for (NetworkAcl acl : acls) {
          if (subnets.isEmpty() || acl.subnetIds().stream().anyMatch(subnets::contains)) {
            networkAcl(xml, acl);
          }
        }
        xml.append("</networkAclSet>");
      }
      case "DescribeVpcAttribute" -> {
        String vpc = params.getOrDefault("VpcId", "");
        String attribute = params.getOrDefault("Attribute", "");
        Map<String, Boolean> values =
            vpcAttributes.getOrDefault(
                vpc, Map.of("enableDnsSupport", true, "enableDnsHostnames", true));
        if (!values.containsKey(attribute)) {
          return null;
        }
        xml.append(tag("vpcId", vpc))
            .append('<')
            .append(attribute)
            .append('>')
            .append(tag("value", values.get(attribute).toString()))
            .append("</")
            .append(attribute)
            .append('>');
      }
      default -> {
        return null;
      }
    }
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<"
        + action
        + "Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
        + "<requestId>8f7724cf-496f-496e-8fe3-example</requestId>"
        + xml
        + "</"
        + action
        + "Response>";
  }

  private static void endpoint(StringBuilder xml, VpcEndpoint e) {
    xml.append("<item>")
        .append(tag("vpcEndpointId", e.id()))
        .append(tag("vpcEndpointType", e.type()))
        .append(tag("vpcId", e.vpcId()))
        .append(tag("serviceName", e.serviceName()))
        .append(tag("state", e.state()))
        .append("<routeTableIdSet/><subnetIdSet><item>subnet-0a1b2c3d</item></subnetIdSet>")
        .append("<networkInterfaceIdSet>");
    for (String eni : e.networkInterfaceIds()) {
      xml.append("<item>").append(escape(eni)).append("</item>");
    }
    xml.append("</networkInterfaceIdSet><groupSet>");
    for (String g : e.groupIds()) {
      xml.append("<item>").append(tag("groupId", g)).append(tag("groupName", g + "-name"));
      xml.append("</item>");
    }
    xml.append("</groupSet>")
        .append(tag("privateDnsEnabled", Boolean.toString(e.privateDnsEnabled())))
        .append(tag("requesterManaged", "false"))
        .append("<dnsEntrySet>");
    for (String n : e.dnsNames()) {
      xml.append("<item>")
          .append(tag("dnsName", n))
          .append(tag("hostedZoneId", "Z7HUB22UULQXV"))
          .append("</item>");
    }
    xml.append("</dnsEntrySet>");
    e.lastError()
        .ifPresent(err -> {
          int colon = err.indexOf(": ");
          xml.append("<lastError>")
              .append(tag("message", colon < 0 ? err : err.substring(colon + 2)))
              .append(tag("code", colon < 0 ? "" : err.substring(0, colon)))
              .append("</lastError>");
        });
    xml.append(tag("creationTimestamp", "2026-11-20T10:00:00.000Z"))
        .append(tag("ownerId", "123456789012"))
        .append("</item>");
  }

  private static void networkInterface(StringBuilder xml, NetworkInterface eni) {
    xml.append("<item>")
        .append(tag("networkInterfaceId", eni.id()))
        .append(tag("subnetId", eni.subnetId()))
        .append(tag("vpcId", "vpc-0f1e2d3c4b5a69788"))
        .append(tag("availabilityZone", "us-east-1x"))
        .append(tag("availabilityZoneId", eni.zoneId()))
        .append(tag("interfaceType", "vpc_endpoint"))
        .append(tag("requesterManaged", "true"))
        .append(tag("status", "in-use"));
    List<String> v4 = eni.addresses().stream().filter(a -> !a.contains(":")).toList();
    if (!v4.isEmpty()) {
      xml.append(tag("privateIpAddress", v4.getFirst()));
    }
    xml.append("<privateIpAddressesSet>");
    for (String a : v4) {
      xml.append("<item>")
          .append(tag("privateIpAddress", a))
          .append(tag("primary", Boolean.toString(a.equals(v4.getFirst()))))
          .append("</item>");
    }
    xml.append("</privateIpAddressesSet><ipv6AddressesSet>");
    for (String a : eni.addresses()) {
      if (a.contains(":")) {
        xml.append("<item>").append(tag("ipv6Address", a)).append("</item>");
      }
    }
    xml.append("</ipv6AddressesSet></item>");
  }

  private static void networkAcl(StringBuilder xml, NetworkAcl acl) {
    xml.append("<item>")
        .append(tag("networkAclId", acl.id()))
        .append(tag("vpcId", "vpc-0f1e2d3c4b5a69788"))
        .append(tag("default", "false"))
        .append("<entrySet>");
    for (NetworkAcl.Entry e : acl.entries()) {
      xml.append("<item>")
          .append(tag("ruleNumber", Integer.toString(e.ruleNumber())))
          .append(tag("protocol", e.protocol()))
          .append(tag("ruleAction", e.allow() ? "allow" : "deny"))
          .append(tag("egress", Boolean.toString(e.egress())))
          .append(tag(e.cidr().contains(":") ? "ipv6CidrBlock" : "cidrBlock", e.cidr()));
      if (e.fromPort() >= 0) {
        xml.append("<portRange>")
            .append(tag("from", Integer.toString(e.fromPort())))
            .append(tag("to", Integer.toString(e.toPort())))
            .append("</portRange>");
      }
      xml.append("</item>");
    }
    xml.append("</entrySet><associationSet>");
    for (String subnet : acl.subnetIds()) {
      xml.append("<item>")
          .append(tag("networkAclAssociationId", "aclassoc-" + subnet))
          .append(tag("networkAclId", acl.id()))
          .append(tag("subnetId", subnet))
          .append("</item>");
    }
    xml.append("</associationSet><tagSet/>").append(tag("ownerId", "123456789012"));
    xml.append("</item>");
  }

  private static void group(StringBuilder xml, SecurityGroup g) {
    xml.append("<item>")
        .append(tag("ownerId", "123456789012"))
        .append(tag("groupId", g.id()))
        .append(tag("groupName", g.id() + "-name"))
        .append(tag("groupDescription", "test group"))
        .append(tag("vpcId", "vpc-0f1e2d3c4b5a69788"));
    rules(xml, "ipPermissions", g.inbound());
    rules(xml, "ipPermissionsEgress", g.outbound());
    xml.append("</item>");
  }

  private static void rules(StringBuilder xml, String name, List<SecurityGroup.Rule> rules) {
    xml.append('<').append(name).append('>');
    for (SecurityGroup.Rule r : rules) {
      xml.append("<item>").append(tag("ipProtocol", r.protocol()));
      if (!r.protocol().equals("-1")) {
        xml.append(tag("fromPort", Integer.toString(r.fromPort())));
        xml.append(tag("toPort", Integer.toString(r.toPort())));
      }
      xml.append("<groups>");
      for (String g : r.groupIds()) {
        xml.append("<item>")
            .append(tag("userId", "123456789012"))
            .append(tag("groupId", g))
            .append("</item>");
      }
      xml.append("</groups><ipRanges>");
      for (String c : r.cidrs()) {
        if (!c.contains(":")) {
          xml.append("<item>").append(tag("cidrIp", c)).append("</item>");
        }
      }
      xml.append("</ipRanges><ipv6Ranges>");
      for (String c : r.cidrs()) {
        if (c.contains(":")) {
          xml.append("<item>").append(tag("cidrIpv6", c)).append("</item>");
        }
      }
      xml.append("</ipv6Ranges><prefixListIds>");
      for (String p : r.prefixListIds()) {
        xml.append("<item>").append(tag("prefixListId", p)).append("</item>");
      }
      xml.append("</prefixListIds></item>");
    }
    xml.append("</").append(name).append('>');
  }

  private static List<String> filter(Map<String, String> params, String name) {
    return QueryProtocol.filter(params, name);
  }

  private static List<String> numbered(Map<String, String> params, String prefix) {
    return QueryProtocol.members(params, prefix);
  }

  private static String error(String code, String message) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>"
        + tag("Code", code)
        + tag("Message", message)
        + "</Error></Errors><RequestID>0b5e2f2c-example</RequestID></Response>";
  }

  private static String tag(String name, String value) {
    return QueryProtocol.tag(name, value);
  }

  private static String escape(String s) {
    return QueryProtocol.escape(s);
  }

  private static Response xml(int status, String xml) {
    return new Response(
        status,
        Map.of("Content-Type", "text/xml;charset=UTF-8"),
        xml.getBytes(StandardCharsets.UTF_8));
  }
}
