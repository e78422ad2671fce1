package health.privatelink.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.privatelink.Deadline;
import health.privatelink.Json;
import health.privatelink.config.Config;
import health.privatelink.config.ConfigParser;
import health.privatelink.diagnose.NetworkAcl;
import health.privatelink.diagnose.NetworkInterface;
import health.privatelink.testing.DnsTestServer;
import health.privatelink.testing.Ec2TestServer;
import health.privatelink.testing.HttpTestServer;
import health.privatelink.testing.TestAws;
import health.privatelink.testing.TestPki;
import health.privatelink.testing.VpcFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One broken Availability Zone, end to end through the production wiring: the name answers the
 * endpoint's two addresses, the one in zone B refuses every connection. The target fails on every
 * run, whatever order the resolver hands the addresses out in; the report names the address, places
 * each address in its zone, and the diagnosis says the cause is on the provider's side there.
 */
class ZoneFailureTest {
  private static final String HOST = "api.private.prefect.cloud";
  private static final String ZONE_A = "127.0.0.2";
  private static final String ZONE_B = "127.0.0.3";
  private static final TestPki PKI = new TestPki();

  private final DnsTestServer dns = DnsTestServer.started();
  private final Ec2TestServer ec2 = Ec2TestServer.start();
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private HttpTestServer zoneA;
  private int port;

  @AfterEach
  void stop() throws Exception {
    if (zoneA != null) {
      zoneA.close();
    }
    ec2.close();
    dns.close();
  }

  /** A healthy server on zone A's address, on a port where zone B's address has none. */
  private void serveZoneAOnly() throws Exception {
    SSLContext tls = TestPki.serverContext(PKI.server(90, HOST));
    for (int attempt = 0; ; attempt++) {
      try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName(ZONE_A))) {
        port = free.getLocalPort();
      }
      if (!freeOn(ZONE_B, port)) {
        if (attempt < 20) {
          continue;
        }
        throw new BindException("no port free on both " + ZONE_A + " and " + ZONE_B);
      }
      zoneA =
          HttpTestServer.httpsAt(
              tls, new InetSocketAddress(ZONE_A, port), HttpTestServer.respond(200, "ok"));
      return;
    }
  }

  /** Whether nothing listens on {@code address}:{@code port}, so a connection there is refused. */
  private static boolean freeOn(String address, int port) throws java.io.IOException {
    try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getByName(address))) {
      return taken.isBound();
    } catch (BindException e) {
      return false;
    }
  }

  /** The endpoint as EC2 describes it: one interface per zone, ACLs that let everything through. */
  private void describeEndpoint() {
    ec2.endpoint(
        VpcFixtures.endpoint()
            .dnsNames(VpcFixtures.ENDPOINT_DNS, VpcFixtures.PRIVATE_DNS)
            .networkInterfaceIds("eni-0a", "eni-0b")
            .build());
    ec2.service(VpcFixtures.SERVICE, VpcFixtures.PRIVATE_DNS);
    ec2.group(
        VpcFixtures.group(
            VpcFixtures.ENDPOINT_GROUP,
            List.of(VpcFixtures.all("0.0.0.0/0")),
            List.of(VpcFixtures.all("0.0.0.0/0"))));
    ec2.endpointInterface(
        new NetworkInterface("eni-0a", "subnet-0a1", "use1-az1", List.of(ZONE_A)));
    ec2.endpointInterface(
        new NetworkInterface("eni-0b", "subnet-0b2", "use1-az2", List.of(ZONE_B)));
    ec2.networkAcl(
        new NetworkAcl(
            "acl-0b2",
            List.of("subnet-0b2"),
            List.of(
                new NetworkAcl.Entry(100, false, "-1", true, "0.0.0.0/0", -1, -1),
                new NetworkAcl.Entry(100, true, "-1", true, "0.0.0.0/0", -1, -1))));
  }

  private Config config() {
    return ConfigParser.parse(
        Map.of(
            "TARGETS",
            "[{\"name\": \"prefect-api\", \"url\": \"https://" + HOST + ":" + port + "/health\"}]",
            "DNS_SERVERS",
            "127.0.0.1:" + dns.address().getPort(),
            "EXPECTED_CIDRS",
            "127.0.0.0/8",
            "DEFAULT_TIMEOUT_MS",
            "2000",
            "METRICS_MODE",
            "off",
            "VPC_ID",
            VpcFixtures.VPC,
            "SECURITY_GROUP_IDS",
            VpcFixtures.ENDPOINT_GROUP));
  }

  private JsonNode run(Pipeline pipeline, Config config) throws Exception {
    Pipeline.Outcome outcome =
        pipeline.run(config.targets(), Deadline.after(Duration.ofSeconds(10)), false);
    StringWriter text = new StringWriter();
    try (JsonGenerator json = Json.factory().createGenerator(text)) {
      ReportJson.write(outcome, json);
    }
    return new ObjectMapper().readTree(text.toString()).get("results").get(0);
  }

  @Test
  void aBrokenZoneFailsEveryRunNamingTheAddressAndTheZone() throws Exception {
    serveZoneAOnly();
    describeEndpoint();
    Config config = config();
    Pipeline pipeline =
        Wiring.pipeline(
            config,
            TestAws.settings(
                Map.of(
                    "AWS_ENDPOINT_URL",
                    "http://127.0.0.1:9",
                    "AWS_ENDPOINT_URL_EC2",
                    ec2.uri().toString())),
            PKI.clientSocketFactory(),
            new PrintStream(stdout, true, StandardCharsets.UTF_8));

    // The resolver hands the addresses out in changing order; the broken zone fails either way.
    for (List<String> answer : List.of(List.of(ZONE_A, ZONE_B), List.of(ZONE_B, ZONE_A))) {
      dns.on(HOST).a(answer.toArray(String[]::new));
      JsonNode result = run(pipeline, config);

      assertFalse(result.get("healthy").asBoolean(), result.toString());
      assertEquals("CONNECT_REFUSED", result.get("reason").asText(), result.toString());
      assertTrue(
          result.get("detail").asText().startsWith(ZONE_B + ":" + port + " (1 of 2 addresses): "),
          result.get("detail").asText());
      JsonNode endpoints = result.get("endpoints");
      assertEquals(2, endpoints.size(), result.toString());
      for (JsonNode endpoint : endpoints) {
        boolean inB = endpoint.get("address").asText().equals(ZONE_B);
        assertEquals(
            inB ? "use1-az2" : "use1-az1", endpoint.get("zone").asText(), result.toString());
        assertEquals(!inB, endpoint.get("healthy").asBoolean(), result.toString());
      }
      String diagnosis = result.get("diagnosis").asText();
      assertTrue(
          diagnosis.startsWith(ZONE_B + " in use1-az2 (subnet-0b2) fails while 1 of 2 addresses"),
          diagnosis);
      assertTrue(diagnosis.contains("the cause is on the provider's side in use1-az2"), diagnosis);
    }
  }
}
