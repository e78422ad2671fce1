package health.privatelink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.privatelink.testing.MotoServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A deployment rehearsal: template.yaml transformed by SAM's translator (the one {@code sam
 * validate} runs) and created as a stack in moto's CloudFormation on loopback, against a moto VPC
 * with a subnet in each of two Availability Zones, with and without the optional endpoints.
 *
 * <p>moto creates what it models and records the rest as resources without an ID. Those are listed
 * in {@link #NOT_MODELLED}, so that a change on either side shows here; their properties stay
 * covered by {@link TemplateTest}. moto also ignores the template's Rules (TemplateTest checks
 * them) and a security group's {@code SecurityGroupEgress} (it keeps the default allow-all).
 */
class DeploymentRehearsalIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REGION = "us-east-1";
  private static final Path SCRIPTS = Path.of("src", "test", "resources", "deploy");
  private static final Path JAR = Path.of("target", "privatelink-health.jar");

  /** The resource types of the transformed template that moto's CloudFormation does not create. */
  private static final Set<String> NOT_MODELLED =
      Set.of(
          "AWS::CloudWatch::Alarm",
          "AWS::Lambda::EventInvokeConfig",
          "AWS::SNS::Subscription",
          "AWS::SNS::TopicPolicy");

  private static MotoServer moto;

  @BeforeAll
  static void start() throws Exception {
    moto = MotoServer.start();
  }

  @AfterAll
  static void stop() {
    moto.close();
  }

  @Test
  void theDefaultStackIsCreatedInAVpcWithTwoZones() throws Exception {
    String stack = "plh-default";
    JsonNode result =
        rehearse(stack, Map.of("VpcId", "${VpcId}", "SubnetIds", "${SubnetA},${SubnetB}"));
    // Without the optional endpoints, DnsServers and AlertEmail, their conditions leave these out.
    assertCreated(
        result,
        stack,
        Set.of(
            "MonitoringEndpoint",
            "SnsEndpoint",
            "Ec2Endpoint",
            "DynamoDbEndpoint",
            "EndpointSecurityGroup",
            "FunctionDnsSecurityGroup",
            "AlertEmailSubscription",
            // SnapStart is off by default: no published version, no alias.
            "CheckerFunctionVersion",
            "CheckerFunctionAlias"));

    Map<String, String> physical = physicalIds(result);
    JsonNode outputs = result.get("outputs");
    // moto renders an AWS::NoValue inside Fn::Join as "None" (CloudFormation drops it): without
    // DnsServers the list names the created group alone.
    String groups = outputs.get("FunctionSecurityGroupIds").asText();
    assertEquals(physical.get("FunctionSecurityGroup"), groups.replaceFirst(",None$", ""), groups);
    assertEquals(0, result.get("vpcEndpoints").size(), result.get("vpcEndpoints").toString());
    assertTrue(!physical.containsKey("FunctionDnsSecurityGroup"), physical.toString());
  }

  @Test
  void withTheOptionalEndpointsTheyServeTheWholeVpcFromOneSubnetPerZone() throws Exception {
    String stack = "plh-endpoints";
    JsonNode result =
        rehearse(
            stack,
            Map.of(
                "VpcId", "${VpcId}",
                "SubnetIds", "${SubnetA},${SubnetB}",
                "CreateVpcEndpoints", "true",
                "CreateEc2Endpoint", "true",
                "EndpointSubnetIds", "${SubnetA},${SubnetB}",
                "VpcCidr", "${VpcCidr}",
                "RouteTableIds", "${RouteTableId}",
                "DnsServers", "10.20.0.2,10.20.0.3",
                "AlertEmail", "oncall@example.com"));
    assertCreated(result, stack, Set.of("CheckerFunctionVersion", "CheckerFunctionAlias"));
    JsonNode names = result.get("names");
    Map<String, String> physical = physicalIds(result);

    assertEquals(
        physical.get("FunctionSecurityGroup") + "," + physical.get("FunctionDnsSecurityGroup"),
        result.get("outputs").get("FunctionSecurityGroupIds").asText());
    JsonNode function = function(result, physical.get("CheckerFunction"));
    assertEquals(
        "10.20.0.2,10.20.0.3",
        function.get("Environment").get("Variables").get("DNS_SERVERS").asText());

    Map<String, JsonNode> endpoints = new TreeMap<>();
    for (JsonNode endpoint : result.get("vpcEndpoints")) {
      endpoints.put(endpoint.get("ServiceName").asText(), endpoint);
    }
    String prefix = "com.amazonaws." + REGION + ".";
    assertEquals(
        Set.of(prefix + "monitoring", prefix + "sns", prefix + "ec2", prefix + "dynamodb"),
        endpoints.keySet());
    for (String service : List.of("monitoring", "sns", "ec2")) {
      JsonNode endpoint = endpoints.get(prefix + service);
      assertEquals("Interface", endpoint.get("VpcEndpointType").asText(), endpoint.toString());
      assertTrue(endpoint.get("PrivateDnsEnabled").asBoolean(), endpoint.toString());
      assertEquals(
          Set.of(names.get("${SubnetA}").asText(), names.get("${SubnetB}").asText()),
          texts(endpoint.get("SubnetIds")),
          endpoint.toString());
      assertEquals(
          Set.of(physical.get("EndpointSecurityGroup")),
          texts(endpoint.get("Groups").findValues("GroupId")),
          endpoint.toString());
    }
    JsonNode gateway = endpoints.get(prefix + "dynamodb");
    assertEquals("Gateway", gateway.get("VpcEndpointType").asText());
    assertEquals(
        Set.of(names.get("${RouteTableId}").asText()), texts(gateway.get("RouteTableIds")));

    // The endpoints admit HTTPS from the whole VPC, not only from the function.
    JsonNode endpointGroup = group(result, physical.get("EndpointSecurityGroup"));
    JsonNode https = endpointGroup.get("IpPermissions").get(0);
    assertEquals(1, endpointGroup.get("IpPermissions").size(), endpointGroup.toString());
    assertEquals(443, https.get("FromPort").asInt());
    assertEquals(443, https.get("ToPort").asInt());
    assertEquals(
        Set.of("10.20.0.0/16"),
        texts(https.get("IpRanges").findValues("CidrIp")),
        https.toString());
    assertEquals(
        Set.of(physical.get("FunctionSecurityGroup")),
        texts(https.get("UserIdGroupPairs").findValues("GroupId")),
        https.toString());
  }

  /** Asserts the stack, its outputs and its function; {@code off} are left out by conditions. */
  private static void assertCreated(JsonNode result, String stack, Set<String> off) {
    assertEquals("CREATE_COMPLETE", result.get("status").asText(), result.toString());
    Map<String, String> physical = physicalIds(result);
    JsonNode outputs = result.get("outputs");
    String functionName = physical.get("CheckerFunction");
    assertEquals(functionName, outputs.get("FunctionName").asText());
    assertTrue(functionName.startsWith(stack + "-CheckerFunction-"), functionName);
    assertEquals(
        "arn:aws:lambda:" + REGION + ":123456789012:function:" + functionName,
        outputs.get("FunctionArn").asText());
    assertEquals("/privatelink-health/" + stack, outputs.get("LogGroupName").asText());
    assertEquals(physical.get("LogGroup"), outputs.get("LogGroupName").asText());
    assertEquals(physical.get("AlertTopic"), outputs.get("AlertTopicArn").asText());
    assertEquals(physical.get("StateTable"), outputs.get("StateTableName").asText());
    assertEquals(
        "https://"
            + REGION
            + ".console.aws.amazon.com/cloudwatch/home?region="
            + REGION
            + "#dashboards:name="
            + physical.get("Dashboard"),
        outputs.get("DashboardUrl").asText());

    // The function as deployed: the packaged jar's handler, in both subnets of the VPC.
    JsonNode function = function(result, functionName);
    assertEquals("java21", function.get("Runtime").asText());
    assertEquals(
        "health.privatelink.lambda.Handler::handleRequest", function.get("Handler").asText());
    assertEquals(1024, function.get("MemorySize").asInt());
    assertEquals(50, function.get("Timeout").asInt());
    JsonNode names = result.get("names");
    assertEquals(
        Set.of(names.get("${SubnetA}").asText(), names.get("${SubnetB}").asText()),
        texts(function.get("VpcConfig").get("SubnetIds")));
    JsonNode variables = function.get("Environment").get("Variables");
    assertEquals(names.get("${VpcId}").asText(), variables.get("VPC_ID").asText());
    assertEquals(physical.get("AlertTopic"), variables.get("ALERT_TOPIC_ARN").asText());
    assertEquals(physical.get("StateTable"), variables.get("STATE_TABLE").asText());

    // Everything in the transformed template is created, but for what moto does not model.
    Set<String> created = new TreeSet<>();
    for (JsonNode resource : result.get("resources")) {
      if (!resource.get("logicalId").asText().isEmpty()) {
        assertEquals("CREATE_COMPLETE", resource.get("status").asText(), resource.toString());
        created.add(resource.get("logicalId").asText());
      }
    }
    Set<String> notModelled = new TreeSet<>();
    List<String> missing = new ArrayList<>();
    result
        .get("template")
        .properties()
        .forEach(e -> {
          if (off.contains(e.getKey())) {
            assertTrue(!created.contains(e.getKey()), e.getKey() + " should be left out");
          } else if (!created.contains(e.getKey())) {
            notModelled.add(e.getValue().asText());
            if (!NOT_MODELLED.contains(e.getValue().asText())) {
              missing.add(e.getKey() + " (" + e.getValue().asText() + ")");
            }
          }
        });
    assertEquals(List.of(), missing, "created: " + created);
    System.out.println(stack + ": moto does not model " + notModelled);
  }

  private static JsonNode rehearse(String stack, Map<String, String> parameters)
      throws IOException, InterruptedException {
    assertTrue(Files.exists(JAR), "package the function first (mvn verify does)");
    Path out = Files.createTempFile("rehearsal-", ".json");
    Path err = Files.createTempFile("rehearsal-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                "python3",
                SCRIPTS.resolve("rehearse.py").toString(),
                moto.uri().toString(),
                REGION,
                stack,
                JAR.toString(),
                JSON.writeValueAsString(parameters))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    // Only moto on loopback is asked; the caller's AWS setup never reaches the script.
    builder.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
    builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
    Process process = builder.start();
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    String log = Files.readString(err, StandardCharsets.UTF_8);
    assertEquals(
        0,
        process.exitValue(),
        () ->
            "rehearse.py failed (samtranslator comes with aws-sam-cli: .ci/run installs it):\n"
                + log);
    return JSON.readTree(out.toFile());
  }

  private static Map<String, String> physicalIds(JsonNode result) {
    Map<String, String> ids = new TreeMap<>();
    for (JsonNode resource : result.get("resources")) {
      if (!resource.get("logicalId").asText().isEmpty()) {
        ids.put(resource.get("logicalId").asText(), resource.get("physicalId").asText());
      }
    }
    return ids;
  }

  private static JsonNode function(JsonNode result, String name) {
    for (JsonNode function : result.get("functions")) {
      if (function.get("FunctionName").asText().equals(name)) {
        return function;
      }
    }
    throw new AssertionError("no function " + name + " in " + result.get("functions"));
  }

  private static JsonNode group(JsonNode result, String id) {
    for (JsonNode group : result.get("securityGroups")) {
      if (group.get("GroupId").asText().equals(id)) {
        return group;
      }
    }
    throw new AssertionError("no security group " + id + " in " + result.get("securityGroups"));
  }

  private static Set<String> texts(JsonNode array) {
    Set<String> values = new TreeSet<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static Set<String> texts(List<JsonNode> values) {
    Set<String> texts = new TreeSet<>();
    values.forEach(v -> texts.add(v.asText()));
    return texts;
  }
}
