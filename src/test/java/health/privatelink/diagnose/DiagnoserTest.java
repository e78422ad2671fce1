package health.privatelink.diagnose;

import static health.privatelink.testing.TestReports.address;
import static health.privatelink.testing.VpcFixtures.ENDPOINT;
import static health.privatelink.testing.VpcFixtures.ENDPOINT_DNS;
import static health.privatelink.testing.VpcFixtures.ENDPOINT_GROUP;
import static health.privatelink.testing.VpcFixtures.FUNCTION_ADDRESS;
import static health.privatelink.testing.VpcFixtures.FUNCTION_GROUP;
import static health.privatelink.testing.VpcFixtures.OTHER_VPC;
import static health.privatelink.testing.VpcFixtures.PRIVATE_DNS;
import static health.privatelink.testing.VpcFixtures.SERVICE;
import static health.privatelink.testing.VpcFixtures.VPC;
import static health.privatelink.testing.VpcFixtures.all;
import static health.privatelink.testing.VpcFixtures.endpoint;
import static health.privatelink.testing.VpcFixtures.failed;
import static health.privatelink.testing.VpcFixtures.group;
import static health.privatelink.testing.VpcFixtures.inVpc;
import static health.privatelink.testing.VpcFixtures.passed;
import static health.privatelink.testing.VpcFixtures.target;
import static health.privatelink.testing.VpcFixtures.tcp;
import static health.privatelink.testing.VpcFixtures.tcpOut;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.Deadline;
import health.privatelink.Failure;
import health.privatelink.Log;
import health.privatelink.Reason;
import health.privatelink.aws.Lazy;
import health.privatelink.check.EndpointResult;
import health.privatelink.check.TargetResult;
import health.privatelink.check.Timings;
import health.privatelink.run.TimePlan;
import health.privatelink.testing.CloudWatchTestServer;
import health.privatelink.testing.Ec2TestServer;
import health.privatelink.testing.SilentServer;
import health.privatelink.testing.TestAws;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The diagnosis end to end below the pipeline: the real query client, signed with the SDK's SigV4
 * signer, against EC2 served on loopback; one scenario per cause, each with its exact sentence.
 */
class DiagnoserTest {

  private final Ec2TestServer ec2 = Ec2TestServer.start();
  private final CloudWatchTestServer cloudWatch = CloudWatchTestServer.start();

  @AfterEach
  void stop() {
    ec2.close();
    cloudWatch.close();
  }

  // ------------------------------------------------------------------ one scenario per cause

  @Test
  void noEndpointInTheVpcServesTheHost() {
    ec2.endpoint(endpoint("available", true, List.of("*.other.example.com"), SERVICE + "x"));
    ec2.service(SERVICE + "x", "*.other.example.com");

    assertEquals(
        "no VPC endpoint in "
            + VPC
            + " serves api.private.prefect.cloud: create an interface endpoint for the service"
            + " with Private DNS",
        diagnosis(inVpc(), failed(Reason.NXDOMAIN)));
    assertEquals(List.of("DescribeVpcEndpoints", "DescribeVpcEndpointServices"), ec2.actions());
  }

  @Test
  void namedEndpointThatDoesNotExist() {
    Scope scope = new Scope(List.of("vpce-0dead0000beef1111"), Optional.of(VPC), List.of());

    assertEquals(
        "vpce-0dead0000beef1111 from VPC_ENDPOINT_IDS does not exist in this account and region:"
            + " correct VPC_ENDPOINT_IDS",
        diagnosis(scope, failed(Reason.NXDOMAIN)));
    assertEquals(
        List.of("vpce-0dead0000beef1111"), ec2.requests().getFirst().filter("vpc-endpoint-id"));
  }

  @Test
  void namedEndpointInAnotherVpcThanTheFunctions() {
    ec2.endpoint(
        new VpcEndpoint(
            ENDPOINT,
            "Interface",
            OTHER_VPC,
            SERVICE,
            "available",
            true,
            List.of(ENDPOINT_GROUP),
            List.of(ENDPOINT_DNS, PRIVATE_DNS),
            Optional.empty(),
            List.of()));
    Scope scope = new Scope(List.of(ENDPOINT), Optional.of(VPC), List.of(FUNCTION_GROUP));

    assertEquals(
        ENDPOINT
            + " is in "
            + OTHER_VPC
            + ", not in the function's "
            + VPC
            + ": create an endpoint for the service in "
            + VPC,
        diagnosis(scope, failed(Reason.NXDOMAIN)));
  }

  static Stream<Arguments> states() {
    return Stream.of(
        Arguments.of(
            "pendingAcceptance",
            "is pendingAcceptance: the provider has not accepted the connection yet; ask them to"
                + " accept it"),
        Arguments.of(
            "pending", "is pending: the endpoint is still being set up; wait a few minutes"),
        Arguments.of(
            "rejected",
            "is rejected: the provider rejected the connection; ask them to allow your account,"
                + " then delete the endpoint and create it again"),
        Arguments.of(
            "failed",
            "is failed: the endpoint could not be created (InsufficientCapacity: no capacity in"
                + " us-east-1e); delete it and create it again"),
        Arguments.of(
            "expired",
            "is expired: the provider did not accept the connection in time; create the endpoint"
                + " again and ask them to accept it"),
        Arguments.of(
            "deleted",
            "is deleted: the endpoint is gone; create an interface endpoint for the service"
                + " again"),
        Arguments.of(
            "deleting",
            "is deleting: the endpoint is gone; create an interface endpoint for the service"
                + " again"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("states")
  void endpointNotAvailable(String state, String sentence) {
    ec2.endpoint(
        new VpcEndpoint(
            ENDPOINT,
            "Interface",
            VPC,
            SERVICE,
            state,
            false,
            List.of(ENDPOINT_GROUP),
            List.of(ENDPOINT_DNS),
            state.equals("failed")
                ? Optional.of("InsufficientCapacity: no capacity in us-east-1e")
                : Optional.empty(),
            List.of()));
    ec2.service(SERVICE, PRIVATE_DNS);

    assertEquals(ENDPOINT + " " + sentence, diagnosis(inVpc(), failed(Reason.NXDOMAIN)));
  }

  @Test
  void privateDnsDisabledFoundThroughTheServicesWildcardName() {
    ec2.endpoint(endpoint("available", false, List.of(ENDPOINT_DNS), SERVICE));
    ec2.service(SERVICE, PRIVATE_DNS);
    allowAll();

    assertEquals(
        "Private DNS is disabled on " + ENDPOINT + ": enable \"Private DNS names\" on the endpoint",
        diagnosis(inVpc(), failed(Reason.NXDOMAIN)));
    Ec2TestServer.Request services = ec2.requests().get(1);
    assertEquals("DescribeVpcEndpointServices", services.action());
    assertEquals(SERVICE, services.params().get("ServiceName.1"));
  }

  @Test
  void endpointGroupAdmitsNoOtherGroupThanTheFunctions() {
    ec2.endpoint(endpoint("available", true, List.of(ENDPOINT_DNS, PRIVATE_DNS), SERVICE));
    ec2.group(group(ENDPOINT_GROUP, List.of(tcp(443, "sg-0999cccc")), List.of()));
    ec2.group(group(FUNCTION_GROUP, List.of(), List.of(all("0.0.0.0/0"))));

    assertEquals(
        ENDPOINT_GROUP
            + " on "
            + ENDPOINT
            + " allows no inbound 443 from the function's security group "
            + FUNCTION_GROUP
            + ": add an inbound rule for TCP 443 from "
            + FUNCTION_GROUP,
        diagnosis(inVpc(), failed(Reason.CONNECT_TIMEOUT)));
    Ec2TestServer.Request groups = ec2.requests().getLast();
    assertEquals("DescribeSecurityGroups", groups.action());
    assertEquals(List.of(ENDPOINT_GROUP, FUNCTION_GROUP), groups.filter("group-id"));
  }

  @Test
  void endpointGroupBlockMissesTheFunctionsAddressAndItsGroupsAreLearnedFromItsInterface() {
    ec2.endpoint(endpoint("available", true, List.of(ENDPOINT_DNS, PRIVATE_DNS), SERVICE));
    ec2.group(group(ENDPOINT_GROUP, List.of(tcp(443, "10.0.1.0/24")), List.of()));
    ec2.group(group(FUNCTION_GROUP, List.of(), List.of(all("0.0.0.0/0"))));
    ec2.networkInterface(FUNCTION_ADDRESS.getHostAddress(), FUNCTION_GROUP);
    Scope scope = new Scope(List.of(), Optional.of(VPC), List.of());

    assertEquals(
        ENDPOINT_GROUP
            + " on "
            + ENDPOINT
            + " allows no inbound 443 from the function's security group "
            + FUNCTION_GROUP
            + ": add an inbound rule for TCP 443 from "
            + FUNCTION_GROUP,
        diagnosis(scope, failed(Reason.CONNECT_TIMEOUT)));
    Ec2TestServer.Request eni = ec2.requests().get(1);
    assertEquals("DescribeNetworkInterfaces", eni.action());
    assertEquals(List.of("10.0.3.7"), eni.filter("addresses.private-ip-address"));
  }

  @Test
  void endpointGroupBlockCoveringTheFunctionsAddressIsEnough() {
    ec2.endpoint(endpoint("available", true, List.of(ENDPOINT_DNS, PRIVATE_DNS), SERVICE));
    ec2.group(group(ENDPOINT_GROUP, List.of(tcp(443, "10.0.0.0/16")), List.of()));
    ec2.group(group(FUNCTION_GROUP, List.of(), List.of(tcpOut(443, "10.0.1.0/24"))));

    assertTrue(
        diagnosis(inVpc(), failed(Reason.CONNECT_TIMEOUT))
            .startsWith(ENDPOINT + " is available, Private DNS is on and its security groups"));
  }

  @Test
  void functionGroupLetsNothingOutToTheEndpoint() {
    ec2.endpoint(endpoint("available", true, List.of(ENDPOINT_DNS, PRIVATE_DNS), SERVICE));
    ec2.group(group(ENDPOINT_GROUP, List.of(tcp(443, FUNCTION_GROUP)), List.of()));
    ec2.group(group(FUNCTION_GROUP, List.of(), List.of(tcpOut(5432, "10.0.0.0/8"))));

    assertEquals(
        "the function's security group "
            + FUNCTION_GROUP
            + " allows no outbound 443 to "
            + ENDPOINT
            + ": add an outbound rule for TCP 443 to "
            + ENDPOINT_GROUP,
        diagnosis(inVpc(), failed(Reason.CONNECT_TIMEOUT)));
  }

  @Test
  void everythingInOrderPointsPastTheEndpoint() {
    ec2.endpoint(endpoint("available", true, List.of(ENDPOINT_DNS, PRIVATE_DNS), SERVICE));
    allowAll();

    assertEquals(
        ENDPOINT
            + " is available, Private DNS is on and its security groups allow 443 from the"
            + " function: the cause is past the endpoint; check the network ACLs and routes"
            + " between the function's and the endpoint's subnets, then ask the provider",
        diagnosis(inVpc(), failed(Reason.CONNECT_TIMEOUT)));
    assertEquals(List.of("DescribeVpcEndpoints", "DescribeSecurityGroups"), ec2.actions());
  }

  @Test
  void theStateComesBeforePrivateDnsAndSecurityGroups() {
    ec2.endpoint(endpoint("pendingAcceptance", false, List.of(ENDPOINT_DNS), SERVICE));
    ec2.service(SERVICE, PRIVATE_DNS);
    ec2.group(group(ENDPOINT_GROUP, List.of(), List.of()));
    ec2.group(group(FUNCTION_GROUP, List.of(), List.of()));

    assertEquals(
        ENDPOINT
            + " is pendingAcceptance: the provider has not accepted the connection yet; ask them"
            + " to accept it",
        diagnosis(inVpc(), failed(Reason.CONNECT_REFUSED)));
  }

  // ------------------------------------------------------------------ the requests

  @Test
  void requestsAreSignedQueryCallsWithTheFilters() {
    ec2.endpoint(endpoint("available", true, List.of(ENDPOINT_DNS, PRIVATE_DNS), SERVICE));
    allowAll();

    diagnosis(inVpc(), failed(Reason.CONNECT_TIMEOUT));

    Ec2TestServer.Request first = ec2.requests().getFirst();
    assertEquals("DescribeVpcEndpoints", first.action());
    assertEquals("2016-11-15", first.params().get("Version"));
    assertEquals(List.of(VPC), first.filter("vpc-id"));
    String authorization = first.header("authorization");
    assertTrue(
        authorization.matches(
            "AWS4-HMAC-SHA256 Credential=testing/\\d{8}/us-east-1/ec2/aws4_request,"
                + " SignedHeaders=\\S*host;\\S*x-amz-date\\S*, Signature=[0-9a-f]{64}"),
        authorization);
    assertTrue(
        first.header("content-type").startsWith("application/x-www-form-urlencoded"),
        first.headers().toString());
  }

  // ------------------------------------------------------------------ when not to call

  @Test
  void healthyRunsMakeNoCall() {
    TargetResult healthy = passed();
    List<TargetResult> results = List.of(healthy);

    assertSame(results, diagnose(diagnoser(inVpc()), results, Duration.ofSeconds(3)));
    assertEquals(List.of(), ec2.requests());
  }

  @Test
  void withoutVpcIdOrEndpointIdsNothingIsBuiltOrCalled() {
    AtomicInteger built = new AtomicInteger();
    Diagnoser diagnoser =
        new Diagnoser(
            () -> {
              built.incrementAndGet();
              return client();
            },
            this::metrics,
            new Scope(List.of(), Optional.empty(), List.of(FUNCTION_GROUP)),
            peer -> Optional.of(FUNCTION_ADDRESS),
            log());
    TargetResult failed = failed(Reason.NXDOMAIN);

    List<TargetResult> out = diagnose(diagnoser, List.of(failed), Duration.ofSeconds(3));

    assertEquals(Optional.empty(), out.getFirst().diagnosis());
    assertEquals(0, built.get());
    assertEquals(List.of(), ec2.requests());
  }

  @Test
  void onlyFailedTargetsAreDiagnosedEachOnItsOwn() {
    ec2.endpoint(endpoint("pendingAcceptance", true, List.of(ENDPOINT_DNS, PRIVATE_DNS), SERVICE));
    List<TargetResult> results =
        List.of(failed(Reason.NXDOMAIN), passed(), failed(Reason.CONNECT_REFUSED));

    List<TargetResult> out = diagnose(diagnoser(inVpc()), results, Duration.ofSeconds(3));

    assertEquals(3, out.size());
    assertTrue(out.get(0).diagnosis().orElseThrow().contains("pendingAcceptance"));
    assertSame(results.get(1), out.get(1));
    assertTrue(out.get(2).diagnosis().orElseThrow().contains("pendingAcceptance"));
    assertEquals(results.get(0).failure(), out.get(0).failure());
  }

  // ------------------------------------------------------------------ lookups that fail

  @Test
  void deniedLookupIsReportedAndKeepsTheCheckResult() {
    ec2.replyAlways(Ec2TestServer.Reply.DENIED);
    TargetResult failed = failed(Reason.CONNECT_TIMEOUT);

    TargetResult out =
        diagnose(diagnoser(inVpc()), List.of(failed), Duration.ofSeconds(3)).getFirst();

    assertEquals(
        Optional.of(
            "could not diagnose: the function's role may not call ec2:DescribeVpcEndpoints (HTTP"
                + " 403 UnauthorizedOperation): grant it in the role's policy"),
        out.diagnosis());
    assertEquals(failed.failure(), out.failure());
    assertEquals(failed.addresses(), out.addresses());
  }

  @Test
  void hangingLookupGivesUpAtTheDeadline() {
    ec2.replyAlways(Ec2TestServer.Reply.HANG);
    long start = System.nanoTime();

    TargetResult out =
        diagnose(diagnoser(inVpc()), List.of(failed(Reason.NXDOMAIN)), Duration.ofMillis(500))
            .getFirst();

    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMs < 1_000, "took " + tookMs + " ms");
    String sentence = out.diagnosis().orElseThrow();
    assertTrue(
        sentence.matches(
            "could not diagnose: no answer from EC2 at "
                + ec2.uri()
                + " to DescribeVpcEndpoints within \\d+ ms"),
        sentence);
    assertEquals(Reason.NXDOMAIN, out.failure().orElseThrow().reason());
  }

  @Test
  void unreachableEc2IsReported() throws Exception {
    URI nowhere = SilentServer.unreachable();
    Diagnoser diagnoser =
        new Diagnoser(
            () -> TestAws.ec2(nowhere), this::metrics, inVpc(), peer -> Optional.empty(), log());

    String sentence =
        diagnose(diagnoser, List.of(failed(Reason.NXDOMAIN)), Duration.ofSeconds(3))
            .getFirst()
            .diagnosis()
            .orElseThrow();

    assertTrue(
        sentence.startsWith("could not diagnose: cannot reach EC2 at " + nowhere + ": "), sentence);
  }

  @Test
  void clientThatCannotBeBuiltIsReported() {
    Diagnoser diagnoser =
        new Diagnoser(
            () -> {
              throw new IllegalStateException("Unable to load region");
            },
            this::metrics,
            inVpc(),
            peer -> Optional.empty(),
            log());

    assertEquals(
        Optional.of("could not diagnose: cannot set up the EC2 calls: Unable to load region"),
        diagnose(diagnoser, List.of(failed(Reason.NXDOMAIN)), Duration.ofSeconds(1))
            .getFirst()
            .diagnosis());
  }

  @Test
  void noDiagnosisIsStartedWhenThePlanLeavesItNoTimeForACall() {
    Diagnoser diagnoser =
        new Diagnoser(
            () -> {
              throw new AssertionError("no EC2 path is built without time for a call");
            },
            this::metrics,
            inVpc(),
            peer -> Optional.empty(),
            log());
    Deadline end = Deadline.after(TimePlan.DIAGNOSIS_GRACE);
    long start = System.nanoTime();

    List<TargetResult> out =
        diagnoser.diagnose(
            List.of(failed(Reason.NXDOMAIN), passed()), TimePlan.diagnosisLookups(end), end);

    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMs < TimePlan.DIAGNOSIS_GRACE.toMillis(), "waited " + tookMs + " ms");
    assertEquals(
        Optional.of("could not diagnose: no time left in the run"), out.getFirst().diagnosis());
    assertEquals(Reason.NXDOMAIN, out.getFirst().failure().orElseThrow().reason());
    assertEquals(Optional.empty(), out.get(1).diagnosis());
    assertEquals(List.of(), ec2.requests());
  }

  @Test
  void aBugInTheDiagnosisReadsAsAnInternalErrorAndIsLoggedAtOnce() throws Exception {
    Ec2 broken =
        new Ec2() {
          @Override
          public List<VpcEndpoint> vpcEndpointsById(
              java.util.Collection<String> ids, Deadline deadline) {
            throw new IllegalArgumentException("a bug in vpcEndpointsById");
          }

          @Override
          public List<VpcEndpoint> vpcEndpointsInVpc(String vpcId, Deadline deadline) {
            throw new IllegalArgumentException("a bug in vpcEndpointsInVpc");
          }

          @Override
          public java.util.Map<String, List<String>> servicePrivateDnsNames(
              java.util.Collection<String> services, Deadline deadline) {
            throw new AssertionError("not reached");
          }

          @Override
          public List<SecurityGroup> securityGroups(
              java.util.Collection<String> ids, Deadline deadline) {
            throw new AssertionError("not reached");
          }

          @Override
          public List<String> securityGroupsOfAddress(InetAddress address, Deadline deadline) {
            throw new AssertionError("not reached");
          }

          @Override
          public List<NetworkInterface> networkInterfaces(
              java.util.Collection<InetAddress> addresses, Deadline deadline) {
            throw new AssertionError("not reached");
          }

          @Override
          public List<NetworkAcl> networkAcls(
              java.util.Collection<String> subnetIds, Deadline deadline) {
            throw new AssertionError("not reached");
          }

          @Override
          public boolean vpcAttribute(String vpcId, String attribute, Deadline deadline) {
            throw new AssertionError("not reached");
          }
        };
    Diagnoser diagnoser =
        new Diagnoser(() -> broken, this::metrics, inVpc(), peer -> Optional.empty(), log());
    long start = System.nanoTime();

    List<TargetResult> out =
        diagnose(diagnoser, List.of(failed(Reason.NXDOMAIN), passed()), Duration.ofSeconds(10));

    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMs < 2_000, "the bug surfaced after " + tookMs + " ms of a 10 s budget");
    assertEquals(Optional.of("could not diagnose: internal error"), out.getFirst().diagnosis());
    assertEquals(Optional.empty(), out.get(1).diagnosis());
    assertEquals(Reason.NXDOMAIN, out.getFirst().failure().orElseThrow().reason());
    com.fasterxml.jackson.databind.JsonNode line =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(stdout.toString(StandardCharsets.UTF_8).strip());
    assertEquals("ERROR", line.get("level").asText());
    assertEquals("diagnosis failed", line.get("message").asText());
    assertEquals("prefect-api", line.get("target").asText());
    assertTrue(
        line.get("stackTrace").asText().contains("IllegalArgumentException: a bug in vpcEndpoints"),
        line.toString());
    assertTrue(line.get("stackTrace").asText().contains("\tat "), line.toString());
  }

  // ------------------------------------------------------------------ one zone broken

  static final Instant NOW = Instant.parse("2026-11-20T10:07:30Z");
  static final InetAddress ZONE_A = address("10.0.1.23");
  static final InetAddress ZONE_B = address("10.0.2.17");
  static final InetAddress ZONE_C = address("10.0.3.9");
  static final String SUBNET_B = "subnet-0b2";

  /** An available endpoint with three interfaces, one per zone, and an ACL that allows all. */
  private void threeZones(NetworkAcl aclOfB) {
    ec2.endpoint(
        new VpcEndpoint(
            ENDPOINT,
            "Interface",
            VPC,
            SERVICE,
            "available",
            true,
            List.of(ENDPOINT_GROUP),
            List.of(ENDPOINT_DNS, PRIVATE_DNS),
            Optional.empty(),
            List.of("eni-0a", "eni-0b", "eni-0c")));
    ec2.service(SERVICE, PRIVATE_DNS);
    allowAll();
    ec2.endpointInterface(
        new NetworkInterface("eni-0a", "subnet-0a1", "use1-az1", List.of("10.0.1.23")));
    ec2.endpointInterface(
        new NetworkInterface("eni-0b", SUBNET_B, "use1-az2", List.of("10.0.2.17")));
    ec2.endpointInterface(
        new NetworkInterface("eni-0c", "subnet-0c3", "use1-az4", List.of("10.0.3.9")));
    ec2.networkAcl(aclOfB);
  }

  static NetworkAcl acl(NetworkAcl.Entry... entries) {
    List<NetworkAcl.Entry> all = new java.util.ArrayList<>(List.of(entries));
    all.add(new NetworkAcl.Entry(32767, false, "-1", false, "0.0.0.0/0", -1, -1));
    all.add(new NetworkAcl.Entry(32767, true, "-1", false, "0.0.0.0/0", -1, -1));
    return new NetworkAcl("acl-0c3", List.of(SUBNET_B), all);
  }

  static NetworkAcl.Entry allowAllIn() {
    return new NetworkAcl.Entry(100, false, "-1", true, "0.0.0.0/0", -1, -1);
  }

  static NetworkAcl.Entry allowAllOut() {
    return new NetworkAcl.Entry(100, true, "-1", true, "0.0.0.0/0", -1, -1);
  }

  /** Three addresses, the one in zone B timing out. */
  static TargetResult zoneBFails() {
    Failure timeout = new Failure(Reason.CONNECT_TIMEOUT, "no TCP answer within 5000 ms");
    return new TargetResult(
        target(),
        Optional.of(timeout),
        List.of(ZONE_A, ZONE_B, ZONE_C),
        OptionalInt.empty(),
        NO_TIMINGS,
        OptionalLong.empty(),
        Optional.empty(),
        List.of(
            endpointResult(ZONE_A, Optional.empty()),
            endpointResult(ZONE_B, Optional.of(timeout)),
            endpointResult(ZONE_C, Optional.empty())));
  }

  static final Timings NO_TIMINGS =
      new Timings(
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Duration.ZERO);

  static EndpointResult endpointResult(InetAddress address, Optional<Failure> failure) {
    return new EndpointResult(
        address,
        Optional.empty(),
        failure,
        failure.isEmpty() ? OptionalInt.of(200) : OptionalInt.empty(),
        NO_TIMINGS,
        OptionalLong.empty());
  }

  private TargetResult diagnosed(TargetResult failed) {
    return diagnose(diagnoser(inVpc()), List.of(failed), Duration.ofSeconds(3)).getFirst();
  }

  private void endpointCounts(String subnet, double dropped, double resets) {
    Map<String, String> dimensions =
        Map.of(
            "Endpoint Type", "Interface",
            "Service Name", SERVICE,
            "Subnet Id", subnet,
            "VPC Endpoint Id", ENDPOINT,
            "VPC Id", VPC);
    List<Instant> at = List.of(Instant.parse("2026-11-20T10:02:00Z"));
    cloudWatch.series(
        "AWS/PrivateLinkEndpoints", "PacketsDropped", dimensions, at, List.of(dropped));
    cloudWatch.series(
        "AWS/PrivateLinkEndpoints", "RstPacketsReceived", dimensions, at, List.of(resets));
  }

  @Test
  void aclOfTheBrokenZoneDeniesTheConnection() {
    threeZones(
        acl(
            new NetworkAcl.Entry(90, false, "6", false, "10.0.3.0/24", 443, 443),
            allowAllIn(),
            allowAllOut()));
    endpointCounts(SUBNET_B, 37, 0);

    TargetResult out = diagnosed(zoneBFails());

    assertEquals(
        Optional.of(
            "10.0.2.17 in use1-az2 (subnet-0b2): network ACL acl-0c3 rule 90 denies TCP 443 in"
                + " from 10.0.3.7; allow it, and the ephemeral ports 1024-65535 back out; the"
                + " endpoint dropped 37 packets and received 0 resets in subnet-0b2 in the last 5"
                + " minutes"),
        out.diagnosis());
    assertEquals(
        List.of(Optional.of("use1-az1"), Optional.of("use1-az2"), Optional.of("use1-az4")),
        out.endpoints().stream().map(EndpointResult::zone).toList());
    assertEquals(
        List.of(
            "DescribeVpcEndpoints",
            "DescribeNetworkInterfaces",
            "DescribeNetworkAcls",
            "DescribeSecurityGroups"),
        ec2.actions());
    assertEquals(
        List.of("10.0.1.23", "10.0.2.17", "10.0.3.9"),
        ec2.requests().get(1).filter("addresses.private-ip-address"));
    assertEquals(List.of(SUBNET_B), ec2.requests().get(2).filter("association.subnet-id"));
    List<CloudWatchTestServer.Request> reads =
        cloudWatch.requests().stream()
            .filter(r -> r.path().equals(CloudWatchTestServer.GET_METRIC_DATA_PATH))
            .toList();
    assertEquals(1, reads.size(), "one GetMetricData call");
    @SuppressWarnings("unchecked")
    Map<String, Object> body = (Map<String, Object>) reads.getFirst().body();
    assertEquals(Instant.parse("2026-11-20T10:02:00Z"), body.get("StartTime"));
    assertEquals(Instant.parse("2026-11-20T10:07:00Z"), body.get("EndTime"));
  }

  @Test
  void aclOfTheBrokenZoneDeniesTheReplies() {
    threeZones(
        acl(allowAllIn(), new NetworkAcl.Entry(100, true, "6", true, "0.0.0.0/0", 443, 443)));

    assertEquals(
        Optional.of(
            "10.0.2.17 in use1-az2 (subnet-0b2): network ACL acl-0c3 rule * denies the replies,"
                + " TCP 1024-65535 out to 10.0.3.7; allow them, and TCP 443 in"),
        diagnosed(zoneBFails()).diagnosis());
  }

  @Test
  void aclAllowsItSoTheProvidersZoneIsBroken() {
    threeZones(acl(allowAllIn(), allowAllOut()));
    endpointCounts(SUBNET_B, 1, 12);

    assertEquals(
        Optional.of(
            "10.0.2.17 in use1-az2 (subnet-0b2) fails while 2 of 3 addresses pass and network ACL"
                + " acl-0c3 lets it through: the cause is on the provider's side in use1-az2,"
                + " where their load balancer has no healthy target; ask the provider to check"
                + " their targets in use1-az2 or to enable cross-zone load balancing; the endpoint"
                + " dropped 1 packet and received 12 resets in subnet-0b2 in the last 5 minutes"),
        diagnosed(zoneBFails()).diagnosis());
  }

  @Test
  void aFailedMetricsReadLeavesTheNumbersOut() {
    threeZones(acl(allowAllIn(), allowAllOut()));
    endpointCounts(SUBNET_B, 1, 12);
    cloudWatch.replyAlways(CloudWatchTestServer.Reply.SERVER_ERROR);

    assertEquals(
        Optional.of(
            "10.0.2.17 in use1-az2 (subnet-0b2) fails while 2 of 3 addresses pass and network ACL"
                + " acl-0c3 lets it through: the cause is on the provider's side in use1-az2,"
                + " where their load balancer has no healthy target; ask the provider to check"
                + " their targets in use1-az2 or to enable cross-zone load balancing"),
        diagnosed(zoneBFails()).diagnosis());
    assertTrue(
        cloudWatch.requests().stream()
            .anyMatch(r -> r.path().equals(CloudWatchTestServer.GET_METRIC_DATA_PATH)),
        "the read was tried");
  }

  @Test
  void anAddressOfNoEndpointInterfaceMeansAnOverride() {
    threeZones(acl(allowAllIn(), allowAllOut()));
    InetAddress stale = address("10.0.9.9");
    Failure timeout = new Failure(Reason.CONNECT_TIMEOUT, "no TCP answer within 5000 ms");
    TargetResult failed =
        new TargetResult(
            target(),
            Optional.of(timeout),
            List.of(ZONE_A, stale),
            OptionalInt.empty(),
            NO_TIMINGS,
            OptionalLong.empty(),
            Optional.empty(),
            List.of(
                endpointResult(ZONE_A, Optional.empty()),
                endpointResult(stale, Optional.of(timeout))));

    TargetResult out = diagnosed(failed);

    assertEquals(
        Optional.of(
            "api.private.prefect.cloud resolved to 10.0.9.9 (1 of 2 addresses), which is not an"
                + " address of "
                + ENDPOINT
                + ": a private hosted zone, a Route 53 Resolver rule or a stale record overrides"
                + " the endpoint's DNS; check the private hosted zones and Resolver rules of "
                + VPC
                + " for api.private.prefect.cloud and remove the records that answer it"),
        out.diagnosis());
    assertEquals(
        List.of(Optional.of("use1-az1"), Optional.empty()),
        out.endpoints().stream().map(EndpointResult::zone).toList());
  }

  @Test
  void nxdomainWithDnsHostnamesOff() {
    ec2.endpoint(endpoint("available", true, List.of(ENDPOINT_DNS, PRIVATE_DNS), SERVICE));
    ec2.service(SERVICE, PRIVATE_DNS);
    ec2.vpcAttributes(VPC, true, false);

    assertEquals(
        "enableDnsHostnames is off on "
            + VPC
            + ", and Private DNS on "
            + ENDPOINT
            + " needs it: turn on \"DNS hostnames\" in the VPC's settings",
        diagnosis(inVpc(), failed(Reason.NXDOMAIN)));
    List<Ec2TestServer.Request> attributes =
        ec2.requests().stream().filter(r -> r.action().equals("DescribeVpcAttribute")).toList();
    assertEquals(
        List.of("enableDnsSupport", "enableDnsHostnames"),
        attributes.stream().map(r -> r.params().get("Attribute")).toList());
    assertEquals(VPC, attributes.getFirst().params().get("VpcId"));
  }

  @Test
  void nxdomainWithBothDnsAttributesOff() {
    ec2.endpoint(endpoint("available", false, List.of(ENDPOINT_DNS), SERVICE));
    ec2.service(SERVICE, PRIVATE_DNS);
    ec2.vpcAttributes(VPC, false, false);

    assertEquals(
        "enableDnsSupport and enableDnsHostnames are off on "
            + VPC
            + ", and Private DNS on "
            + ENDPOINT
            + " needs both: turn on \"DNS resolution\" and \"DNS hostnames\" in the VPC's"
            + " settings",
        diagnosis(inVpc(), failed(Reason.NXDOMAIN)));
  }

  @Test
  void aDeniedAclReadReadsCouldNotDiagnose() {
    threeZones(acl(allowAllIn(), allowAllOut()));
    TargetResult out;
    try (Ec2TestServer denying = Ec2TestServer.start().replyAlways(Ec2TestServer.Reply.DENIED)) {
      Diagnoser diagnoser =
          new Diagnoser(
              () -> TestAws.ec2(denying.uri()),
              this::metrics,
              inVpc(),
              peer -> Optional.of(FUNCTION_ADDRESS),
              log());
      out = diagnose(diagnoser, List.of(zoneBFails()), Duration.ofSeconds(3)).getFirst();
    }
    assertTrue(
        out.diagnosis().orElseThrow().startsWith("could not diagnose: the function's role may not"),
        out.diagnosis().toString());
  }

  // ------------------------------------------------------------------ helpers

  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

  private Log log() {
    return new Log(new PrintStream(stdout, true, StandardCharsets.UTF_8));
  }

  /**
   * The diagnosis as the run's time plan hands it out: EC2 calls until {@code lookups}, their
   * answers awaited {@link TimePlan#DIAGNOSIS_GRACE} longer.
   */
  private static List<TargetResult> diagnose(
      Diagnoser diagnoser, List<TargetResult> results, Duration lookups) {
    Deadline end = Deadline.after(lookups.plus(TimePlan.DIAGNOSIS_GRACE));
    return diagnoser.diagnose(results, TimePlan.diagnosisLookups(end), end);
  }

  private String diagnosis(Scope scope, TargetResult failed) {
    return diagnose(diagnoser(scope), List.of(failed), Duration.ofSeconds(3))
        .getFirst()
        .diagnosis()
        .orElseThrow();
  }

  private Diagnoser diagnoser(Scope scope) {
    return new Diagnoser(
        this::client, this::metrics, scope, peer -> Optional.of(FUNCTION_ADDRESS), log());
  }

  private EndpointMetrics metrics() {
    return new CloudWatchEndpointMetrics(
        new Lazy<>(() ->
            TestAws.clients(Map.of("AWS_ENDPOINT_URL_CLOUDWATCH", cloudWatch.uri().toString()))
                .cloudWatch(List.of())),
        () -> NOW);
  }

  private Ec2 client() {
    return TestAws.ec2(ec2.uri());
  }

  private void allowAll() {
    ec2.group(group(ENDPOINT_GROUP, List.of(tcp(443, FUNCTION_GROUP)), List.of()));
    ec2.group(group(FUNCTION_GROUP, List.of(), List.of(all("0.0.0.0/0"))));
  }
}
