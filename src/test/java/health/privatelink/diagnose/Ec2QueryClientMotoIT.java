package health.privatelink.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.Deadline;
import health.privatelink.testing.MotoServer;
import health.privatelink.testing.TestAws;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The query client against moto's EC2, an implementation not written with it: what it sends is
 * accepted and what moto answers is read the same way as the loopback test server's answers.
 */
class Ec2QueryClientMotoIT {
  private static MotoServer moto;
  private static Ec2QueryClient ec2;

  @BeforeAll
  static void start() throws Exception {
    moto = MotoServer.start();
    ec2 = TestAws.ec2(moto.uri());
  }

  @AfterAll
  static void stop() {
    moto.close();
  }

  private static Deadline soon() {
    return Deadline.after(Duration.ofSeconds(10));
  }

  private static Xml.Node call(String action, String... keysAndValues) throws Ec2Exception {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      params.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return ec2.call(action, params, soon());
  }

  @Test
  void readsEndpointsAndSecurityGroupsAsMotoWritesThem() throws Exception {
    String vpc =
        call("CreateVpc", "CidrBlock", "10.20.0.0/16").child("vpc").orElseThrow().text("vpcId", "");
    String subnet =
        call("CreateSubnet", "VpcId", vpc, "CidrBlock", "10.20.1.0/24")
            .child("subnet")
            .orElseThrow()
            .text("subnetId", "");
    String function =
        call("CreateSecurityGroup", "GroupName", "fn", "GroupDescription", "fn", "VpcId", vpc)
            .text("groupId", "");
    String endpointGroup =
        call("CreateSecurityGroup", "GroupName", "ep", "GroupDescription", "ep", "VpcId", vpc)
            .text("groupId", "");
    call(
        "AuthorizeSecurityGroupIngress",
        "GroupId",
        endpointGroup,
        "IpPermissions.1.IpProtocol",
        "tcp",
        "IpPermissions.1.FromPort",
        "443",
        "IpPermissions.1.ToPort",
        "443",
        "IpPermissions.1.Groups.1.GroupId",
        function,
        "IpPermissions.1.IpRanges.1.CidrIp",
        "10.20.0.0/16");
    String endpoint =
        call(
                "CreateVpcEndpoint",
                "VpcId",
                vpc,
                "ServiceName",
                "com.amazonaws.us-east-1.sns",
                "VpcEndpointType",
                "Interface",
                "SubnetId.1",
                subnet,
                "SecurityGroupId.1",
                endpointGroup,
                "PrivateDnsEnabled",
                "false")
            .child("vpcEndpoint")
            .orElseThrow()
            .text("vpcEndpointId", "");

    List<VpcEndpoint> inVpc = ec2.vpcEndpointsInVpc(vpc, soon());
    assertEquals(1, inVpc.size(), inVpc.toString());
    VpcEndpoint found = inVpc.getFirst();
    assertEquals(endpoint, found.id());
    assertEquals(vpc, found.vpcId());
    assertEquals("com.amazonaws.us-east-1.sns", found.serviceName());
    assertEquals("Interface", found.type());
    assertEquals(List.of(endpointGroup), found.groupIds());
    assertEquals(false, found.privateDnsEnabled());
    assertTrue(!found.state().isEmpty(), found.toString());
    // moto does not implement the vpc-endpoint-id filter of vpcEndpointsById; DiagnoserTest
    // covers it against the loopback server.

    Map<String, SecurityGroup> groups = new LinkedHashMap<>();
    for (SecurityGroup g : ec2.securityGroups(List.of(endpointGroup, function), soon())) {
      groups.put(g.id(), g);
    }
    assertEquals(2, groups.size(), groups.toString());
    SecurityGroup.Rule in = groups.get(endpointGroup).inbound().getFirst();
    assertEquals("tcp", in.protocol());
    assertEquals(443, in.fromPort());
    assertEquals(443, in.toPort());
    assertEquals(List.of(function), in.groupIds());
    assertEquals(List.of("10.20.0.0/16"), in.cidrs());
    // A new group's default egress: everything, everywhere.
    SecurityGroup.Rule out = groups.get(function).outbound().getFirst();
    assertEquals("-1", out.protocol());
    assertTrue(out.allowsTcp(443));
    assertTrue(out.cidrs().contains("0.0.0.0/0"), out.toString());
  }

  @Test
  void readsServicePrivateDnsNames() throws Exception {
    Map<String, List<String>> names =
        ec2.servicePrivateDnsNames(List.of("com.amazonaws.us-east-1.sns"), soon());

    assertEquals(List.of("sns.us-east-1.amazonaws.com"), names.get("com.amazonaws.us-east-1.sns"));
  }
}
