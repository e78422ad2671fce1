package health.privatelink.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.privatelink.testing.CloudWatchTestServer;
import health.privatelink.testing.DnsTestServer;
import health.privatelink.testing.Ec2TestServer;
import health.privatelink.testing.HttpTestServer;
import health.privatelink.testing.LambdaEmulator;
import health.privatelink.testing.MotoServer;
import health.privatelink.testing.SilentServer;
import health.privatelink.testing.SnsEndpoint;
import health.privatelink.testing.TestAws;
import health.privatelink.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The packaged function as Lambda runs it: the jar under the real runtime interface client, run by
 * the AWS Lambda Runtime Interface Emulator on loopback, with DNS, HTTPS, CloudWatch, SNS and
 * DynamoDB all served on loopback.
 */
class RieIT {
  private static final String HOST = "api.private.example.test";
  private static final String TABLE = "privatelink-health-state";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static MotoServer moto;
  private static final TestPki PKI = new TestPki();

  @TempDir Path temp;

  private final List<AutoCloseable> open = new ArrayList<>();
  private LambdaEmulator function;

  @BeforeAll
  static void startMoto() throws Exception {
    moto = MotoServer.start();
    try (DynamoDbClient dynamo = TestAws.dynamoDb(moto.uri())) {
      TestAws.createStateTable(dynamo, TABLE);
    }
  }

  @AfterAll
  static void stopMoto() {
    moto.close();
  }

  @AfterEach
  void stop() throws Exception {
    if (function != null) {
      function.close();
    }
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T open(T resource) {
    open.add(resource);
    return resource;
  }

  /**
   * Starts the packaged jar under the emulator with the given function timeout. A DNS server on
   * loopback is always configured, so that no query leaves the machine whatever the test sets.
   */
  private void startFunction(Map<String, String> env, int timeoutSeconds) throws Exception {
    Map<String, String> all = new HashMap<>();
    all.put("DNS_SERVERS", "127.0.0.1:" + open(DnsTestServer.start()).address().getPort());
    // No call may reach real AWS: every endpoint the function could use is on loopback.
    String nowhere = SilentServer.unreachable().toString();
    for (String service : List.of("CLOUDWATCH", "SNS", "DYNAMODB", "EC2")) {
      all.put("AWS_ENDPOINT_URL_" + service, nowhere);
    }
    all.putAll(env);
    function = LambdaEmulator.start(all, timeoutSeconds, PKI.trustStore(), temp);
  }

  private String output() {
    return function.output();
  }

  private LambdaEmulator.Answer invoke(String event) throws Exception {
    return function.invoke(event, Duration.ofSeconds(60));
  }

  @Test
  void scheduledEventReportsPublishesMetricsAndAlerts() throws Exception {
    DnsTestServer dns = open(DnsTestServer.start());
    dns.on(HOST).a("127.0.0.1");
    dns.on("gone.example.test").nxdomain();
    HttpTestServer https =
        open(
            HttpTestServer.https(
                TestPki.serverContext(PKI.server(90, HOST)),
                HttpTestServer.respond(200, "{\"status\":\"ok\"}")));
    CloudWatchTestServer cloudWatch = open(CloudWatchTestServer.start());
    SnsEndpoint sns = open(SnsEndpoint.start());
    Ec2TestServer ec2 = open(Ec2TestServer.start());
    Map<String, String> env = new HashMap<>();
    env.put(
        "TARGETS",
        "[{\"name\": \"api\", \"url\": \"https://"
            + HOST
            + ":"
            + https.port()
            + "/api/health\", \"bodyContains\": \"ok\"},"
            + " {\"name\": \"gone\", \"url\": \"https://gone.example.test/health\"}]");
    env.put("EXPECTED_CIDRS", "127.0.0.0/8");
    env.put("DNS_SERVERS", "127.0.0.1:" + dns.address().getPort());
    env.put("DEFAULT_TIMEOUT_MS", "3000");
    env.put("METRICS_NAMESPACE", "PrivateLinkHealthIT");
    env.put("ALERT_AFTER_FAILURES", "1");
    env.put("ALERT_TOPIC_ARN", TestAws.TOPIC_ARN);
    env.put("STATE_TABLE", TABLE);
    env.put("AWS_ENDPOINT_URL_CLOUDWATCH", cloudWatch.uri().toString());
    env.put("AWS_ENDPOINT_URL_SNS", sns.uri().toString());
    env.put("AWS_ENDPOINT_URL_DYNAMODB", moto.uri().toString());
    env.put("AWS_ENDPOINT_URL_EC2", ec2.uri().toString());
    env.put("VPC_ID", "vpc-0f1e2d3c4b5a69788");
    startFunction(env, 30);

    LambdaEmulator.Answer outcome = invoke(Files.readString(Path.of("events", "scheduled.json")));
    assertEquals(200, outcome.status(), () -> outcome.body() + "\n" + output());
    assertFalse(outcome.functionError(), () -> outcome.body() + "\n" + output());

    JsonNode report = JSON.readTree(outcome.body());
    assertFalse(report.get("healthy").asBoolean());
    JsonNode api = report.get("results").get(0);
    assertEquals("api", api.get("target").asText());
    assertTrue(api.get("healthy").asBoolean(), api.toString());
    assertEquals(200, api.get("status").asInt());
    assertEquals("127.0.0.1", api.get("addresses").get(0).asText());
    assertTrue(api.get("certificateDaysRemaining").asInt() >= 89, api.toString());
    for (String phase : List.of("dnsMs", "connectMs", "tlsMs", "ttfbMs", "totalMs")) {
      assertTrue(api.get("timings").get(phase).isNumber(), phase + " in " + api);
    }
    JsonNode gone = report.get("results").get(1);
    assertEquals("NXDOMAIN", gone.get("reason").asText());
    assertTrue(gone.get("detail").asText().contains("gone.example.test"), gone.toString());
    String diagnosis =
        "no VPC endpoint in vpc-0f1e2d3c4b5a69788 serves gone.example.test: create an interface"
            + " endpoint for the service with Private DNS";
    assertEquals(diagnosis, gone.get("diagnosis").asText(), gone.toString());
    assertTrue(api.get("diagnosis").isNull(), api.toString());
    // Only the failed target was looked up, with the function's own credentials and region.
    assertEquals(List.of("DescribeVpcEndpoints"), ec2.actions());
    assertTrue(
        ec2.requests()
            .getFirst()
            .header("authorization")
            .startsWith("AWS4-HMAC-SHA256 Credential=testing/"),
        ec2.requests().toString());

    // Metrics: one PutMetricData call in the configured namespace, stamped at the run's start.
    assertEquals(1, cloudWatch.putMetricDataCalls().size(), () -> output());
    var put = cloudWatch.putMetricDataCalls().getFirst();
    assertEquals("PrivateLinkHealthIT", put.namespace());
    assertTrue(
        put.metricData().stream()
            .anyMatch(d ->
                d.name().equals("HealthCheckFailure")
                    && "NXDOMAIN".equals(d.dimensions().get("Reason"))
                    && "gone".equals(d.dimensions().get("Target"))),
        put.toString());
    assertTrue(
        put.metricData().stream()
            .anyMatch(d -> d.name().equals("UnhealthyTargets") && d.value() == 1.0),
        put.toString());
    // The alert: one message, naming the failed target and its reason.
    assertEquals(1, sns.published().size(), () -> output());
    Map<String, String> message = sns.published().getFirst().params();
    assertEquals(TestAws.TOPIC_ARN, message.get("TopicArn"));
    assertEquals("[ALARM] gone NXDOMAIN", message.get("Subject"));
    assertTrue(message.get("Message").contains("https://gone.example.test/health"));
    assertTrue(message.get("Message").contains("Diagnosis: " + diagnosis), message.get("Message"));
    JsonNode published = report.get("published");
    assertEquals(
        "PUBLISHED", published.get("alerts").get("delivery").asText(), published.toString());

    // A second run: still failing, already alerted: nothing more is sent.
    LambdaEmulator.Answer again = invoke(Files.readString(Path.of("events", "scheduled.json")));
    assertEquals(200, again.status(), () -> output());
    assertFalse(again.functionError(), () -> again.body() + "\n" + output());
    assertEquals(1, sns.published().size(), () -> output());
    assertEquals(2, cloudWatch.putMetricDataCalls().size());
    // Nothing is kept between runs: the endpoint is looked up again.
    assertEquals(List.of("DescribeVpcEndpoints", "DescribeVpcEndpoints"), ec2.actions());
  }

  @Test
  void manualInvocationChecksOtherTargetsWithoutPublishing() throws Exception {
    DnsTestServer dns = open(DnsTestServer.start());
    dns.on("other.example.test").rcode(2);
    CloudWatchTestServer cloudWatch = open(CloudWatchTestServer.start());
    startFunction(
        Map.of(
            "DNS_SERVERS",
            "127.0.0.1:" + dns.address().getPort(),
            "AWS_ENDPOINT_URL_CLOUDWATCH",
            cloudWatch.uri().toString()),
        30);

    LambdaEmulator.Answer outcome =
        invoke(
            "{\"targets\": [{\"name\": \"other\", \"url\": \"https://other.example.test/\","
                + " \"timeoutMs\": 1000}]}");
    assertEquals(200, outcome.status(), () -> "no answer; output:\n" + output());
    assertFalse(outcome.functionError(), outcome.body());
    JsonNode report = JSON.readTree(outcome.body());
    assertEquals(1, report.get("results").size());
    assertEquals("other", report.get("results").get(0).get("target").asText());
    assertEquals("DNS_ERROR", report.get("results").get(0).get("reason").asText());
    assertTrue(report.get("published").isNull(), report.toString());
    assertEquals(0, cloudWatch.requests().size());
  }

  @Test
  void badManualTargetsAreAnsweredNamingThemNotAFunctionError() throws Exception {
    startFunction(Map.of("METRICS_MODE", "off"), 30);

    LambdaEmulator.Answer outcome =
        invoke("{\"targets\": [{\"name\": \"x\", \"url\": \"ftp://x.example.test/\"}]}");
    assertEquals(200, outcome.status(), () -> "no answer; output:\n" + output());
    assertFalse(outcome.functionError(), outcome.body());
    JsonNode answer = JSON.readTree(outcome.body());
    assertEquals(1, answer.size(), outcome.body());
    assertTrue(
        answer
            .path("error")
            .asText()
            .startsWith("targets[0].url (target \"x\") must be an http:// or https://"),
        outcome.body());
  }

  @Test
  void aTestAlertPublishesOneTestMessageNamingTheFunctionAndTouchesNoState() throws Exception {
    String table = "test-alert-state";
    try (DynamoDbClient dynamo = TestAws.dynamoDb(moto.uri())) {
      TestAws.createStateTable(dynamo, table);
    }
    DnsTestServer dns = open(DnsTestServer.start());
    SnsEndpoint sns = open(SnsEndpoint.start());
    startFunction(
        Map.of(
            "DNS_SERVERS",
            "127.0.0.1:" + dns.address().getPort(),
            "ALERT_TOPIC_ARN",
            TestAws.TOPIC_ARN,
            "STATE_TABLE",
            table,
            "AWS_ENDPOINT_URL_SNS",
            sns.uri().toString(),
            "AWS_ENDPOINT_URL_DYNAMODB",
            moto.uri().toString()),
        30);

    LambdaEmulator.Answer answer = invoke(Files.readString(Path.of("events", "test-alert.json")));
    assertEquals(200, answer.status(), () -> answer + "\n" + output());
    assertFalse(answer.functionError(), () -> answer + "\n" + output());
    JsonNode sent = JSON.readTree(answer.body()).get("testAlert");
    assertNotNull(sent, answer.body());
    assertEquals("PUBLISHED", sent.get("delivery").asText(), answer.body());
    assertTrue(sent.get("error").isNull(), answer.body());
    String subject =
        "[TEST] "
            + LambdaEmulator.FUNCTION_NAME
            + " in "
            + LambdaEmulator.REGION
            + ": privatelink-health alert path test";
    assertEquals(subject, sent.get("subject").asText());

    assertEquals(1, sns.published().size(), () -> output());
    Map<String, String> message = sns.published().getFirst().params();
    assertEquals(TestAws.TOPIC_ARN, message.get("TopicArn"));
    assertEquals(subject, message.get("Subject"));
    assertEquals(Map.of("state", List.of("String", "TEST")), SnsEndpoint.attributes(message));
    assertFalse(sent.get("messageId").asText().isEmpty(), answer.body());
    // Nothing checked, no alert state read or written.
    assertEquals(0, dns.queries().size());
    assertFalse(output().contains("\"message\":\"check finished\""), output());
    try (DynamoDbClient dynamo = TestAws.dynamoDb(moto.uri())) {
      assertEquals(0, dynamo.scan(b -> b.tableName(table)).count());
    }
  }

  @Test
  void badConfigurationFailsTheInitWithAMessageNamingIt() throws Exception {
    startFunction(Map.of("DEFAULT_TIMEOUT_MS", "fast"), 30);

    LambdaEmulator.Answer answer = invoke("{}");
    // The emulator answers a failed init as Lambda's Invoke API does: 502 and the init's error.
    assertEquals(502, answer.status(), () -> answer + "\noutput:\n" + output());
    assertTrue(answer.functionError(), () -> answer + "\noutput:\n" + output());
    assertEquals(
        "health.privatelink.config.ConfigException",
        JSON.readTree(answer.body()).path("errorType").asText(),
        answer.body());
    assertTrue(
        answer
            .body()
            .contains("DEFAULT_TIMEOUT_MS must be an integer 100..60000, got \\\"fast\\\""),
        () -> "init error: " + answer + "\noutput:\n" + output());
    assertTrue(
        output().contains("DEFAULT_TIMEOUT_MS must be an integer 100..60000, got \"fast\""),
        () -> "init error: " + answer + "\noutput:\n" + output());
  }

  @Test
  void aHangingTargetStillGetsItsReportBackBeforeTheFunctionTimeout() throws Exception {
    int timeoutSeconds = 8;
    DnsTestServer dns = open(DnsTestServer.start());
    dns.on(HOST).a("127.0.0.1");
    HttpTestServer hanging =
        open(
            HttpTestServer.https(
                TestPki.serverContext(PKI.server(90, HOST)), HttpTestServer.neverAnswer()));
    CloudWatchTestServer cloudWatch = open(CloudWatchTestServer.start());
    startFunction(
        Map.of(
            "TARGETS",
            "[{\"name\": \"hung\", \"url\": \"https://"
                + HOST
                + ":"
                + hanging.port()
                + "/health\", \"timeoutMs\": 60000}]",
            "EXPECTED_CIDRS",
            "127.0.0.0/8",
            "DNS_SERVERS",
            "127.0.0.1:" + dns.address().getPort(),
            "AWS_ENDPOINT_URL_CLOUDWATCH",
            cloudWatch.uri().toString()),
        timeoutSeconds);
    // The emulator counts the init into the first invocation's timeout (Lambda does not): a first
    // invocation that checks nothing takes the cold start, so the timed one has the whole timeout.
    LambdaEmulator.Answer warmUp = invoke("{\"targets\": []}");
    assertEquals(200, warmUp.status(), () -> warmUp + "\n" + output());

    LambdaEmulator.Answer answer = invoke(Files.readString(Path.of("events", "scheduled.json")));
    assertEquals(200, answer.status(), () -> answer + "\n" + output());
    assertFalse(answer.functionError(), () -> answer + "\n" + output());
    assertTrue(
        answer.took().compareTo(Duration.ofSeconds(timeoutSeconds)) < 0,
        () -> "took " + answer.took() + "\n" + output());
    JsonNode report = JSON.readTree(answer.body());
    JsonNode hung = report.get("results").get(0);
    assertEquals("HTTP_TIMEOUT", hung.get("reason").asText(), hung.toString());
    assertFalse(report.get("healthy").asBoolean());
    // Publishing was done within the deadline too.
    assertEquals(1, cloudWatch.putMetricDataCalls().size(), () -> output());
    JsonNode metrics = report.get("published").get("metrics");
    assertTrue(metrics.get("sentByApi").asInt() > 0, metrics.toString());
    assertTrue(metrics.get("error").isNull(), metrics.toString());
  }
}
