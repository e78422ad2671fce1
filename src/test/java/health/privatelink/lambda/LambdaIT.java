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
import health.privatelink.testing.MotoServer;
import health.privatelink.testing.RuntimeApiServer;
import health.privatelink.testing.SnsEndpoint;
import health.privatelink.testing.TestAws;
import health.privatelink.testing.TestPki;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
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
 * The packaged function under the real Lambda runtime interface client, fed by a Runtime API on
 * loopback, with DNS, HTTPS, CloudWatch, SNS and DynamoDB all served on loopback.
 */
class LambdaIT {
  private static final String HOST = "api.private.example.test";
  private static final String TABLE = "privatelink-health-state";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static MotoServer moto;
  private static final TestPki PKI = new TestPki();

  @TempDir Path temp;

  private final List<AutoCloseable> open = new ArrayList<>();
  private Process function;
  private Path log;

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
      function.destroyForcibly().waitFor();
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
   * Starts the packaged jar under the runtime interface client, as Lambda's java21 runtime does.
   */
  private void startFunction(RuntimeApiServer runtime, Map<String, String> env) throws Exception {
    Path jar = Path.of("target", "privatelink-health.jar");
    Path runtimeJars = Path.of("target", "lambda-runtime");
    assertTrue(Files.exists(jar), "package the jar first (mvn verify does)");
    Path trustStore = temp.resolve("truststore.p12");
    try (OutputStream out = Files.newOutputStream(trustStore)) {
      PKI.trustStore().store(out, "changeit".toCharArray());
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        List.of(
            java,
            "-XX:+TieredCompilation",
            "-XX:TieredStopAtLevel=1",
            "-Djavax.net.ssl.trustStore=" + trustStore,
            "-Djavax.net.ssl.trustStorePassword=changeit",
            "-Djavax.net.ssl.trustStoreType=" + KeyStore.getDefaultType(),
            "-cp",
            jar + File.pathSeparator + runtimeJars.resolve("*"),
            "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
            "health.privatelink.lambda.Handler::handleRequest");
    log = temp.resolve("function.log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(k -> k.startsWith("AWS_"));
    environment.putAll(
        runtime.functionEnvironment("health.privatelink.lambda.Handler::handleRequest", 512));
    environment.putAll(env);
    function = builder.start();
  }

  private String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "(no output: " + e + ")";
    }
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
    RuntimeApiServer runtime = open(new RuntimeApiServer());

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
    startFunction(runtime, env);

    String id =
        runtime.invoke(
            Files.readString(Path.of("events", "scheduled.json")), Duration.ofSeconds(30));
    RuntimeApiServer.Outcome outcome = runtime.await(id, Duration.ofSeconds(60));
    assertNotNull(outcome, () -> "no answer from the function; its output:\n" + output());
    assertFalse(outcome.error(), () -> outcome.body() + "\n" + output());

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
    String second =
        runtime.invoke(
            Files.readString(Path.of("events", "scheduled.json")), Duration.ofSeconds(30));
    RuntimeApiServer.Outcome again = runtime.await(second, Duration.ofSeconds(60));
    assertNotNull(again, () -> output());
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
    RuntimeApiServer runtime = open(new RuntimeApiServer());
    startFunction(
        runtime,
        Map.of(
            "DNS_SERVERS",
            "127.0.0.1:" + dns.address().getPort(),
            "AWS_ENDPOINT_URL_CLOUDWATCH",
            cloudWatch.uri().toString()));

    String id =
        runtime.invoke(
            "{\"targets\": [{\"name\": \"other\", \"url\": \"https://other.example.test/\","
                + " \"timeoutMs\": 1000}]}",
            Duration.ofSeconds(30));
    RuntimeApiServer.Outcome outcome = runtime.await(id, Duration.ofSeconds(60));
    assertNotNull(outcome, () -> "no answer; output:\n" + output());
    assertFalse(outcome.error(), outcome.body());
    JsonNode report = JSON.readTree(outcome.body());
    assertEquals(1, report.get("results").size());
    assertEquals("other", report.get("results").get(0).get("target").asText());
    assertEquals("DNS_ERROR", report.get("results").get(0).get("reason").asText());
    assertTrue(report.get("published").isNull(), report.toString());
    assertEquals(0, cloudWatch.requests().size());
  }

  @Test
  void badManualTargetsAreAnsweredNamingThemNotAFunctionError() throws Exception {
    RuntimeApiServer runtime = open(new RuntimeApiServer());
    startFunction(runtime, Map.of("METRICS_MODE", "off"));

    String id =
        runtime.invoke(
            "{\"targets\": [{\"name\": \"x\", \"url\": \"ftp://x.example.test/\"}]}",
            Duration.ofSeconds(30));
    RuntimeApiServer.Outcome outcome = runtime.await(id, Duration.ofSeconds(60));
    assertNotNull(outcome, () -> "no answer; output:\n" + output());
    assertFalse(outcome.error(), outcome.body());
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
  void badConfigurationFailsTheInitWithAMessageNamingIt() throws Exception {
    RuntimeApiServer runtime = open(new RuntimeApiServer());
    startFunction(runtime, Map.of("DEFAULT_TIMEOUT_MS", "fast"));
    runtime.invoke("{}", Duration.ofSeconds(30));

    String error = runtime.awaitInitError(Duration.ofSeconds(60));
    String reported = error != null ? error : "";
    assertTrue(
        reported.contains("DEFAULT_TIMEOUT_MS must be an integer 100..60000, got \\\"fast\\\"")
            || output().contains("DEFAULT_TIMEOUT_MS must be an integer 100..60000, got \"fast\""),
        () -> "init error: " + error + "\noutput:\n" + output());
    assertNotNull(error, () -> "no init error was reported; output:\n" + output());
  }
}
