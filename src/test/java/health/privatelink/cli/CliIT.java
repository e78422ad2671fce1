package health.privatelink.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.privatelink.testing.AwsTestServer;
import health.privatelink.testing.CloudWatchTestServer;
import health.privatelink.testing.DnsTestServer;
import health.privatelink.testing.SnsEndpoint;
import health.privatelink.testing.TestAws;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packaged jar as a user runs it: {@code java -jar target/privatelink-health.jar}. */
class CliIT {
  record Run(int status, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new java.util.ArrayList<>(List.of(java, "-jar", "target/privatelink-health.jar"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the checker did not exit");
    return new Run(
        process.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  @Test
  void publishSendsMetricsAndAlertsAsTheFunctionWould() throws Exception {
    try (DnsTestServer dns = DnsTestServer.start();
        CloudWatchTestServer cloudWatch = CloudWatchTestServer.start();
        SnsEndpoint sns = SnsEndpoint.start()) {
      dns.on("api.private.prefect.cloud").nxdomain();
      dns.on("app.private.prefect.cloud").nxdomain();
      Run run =
          run(
              Map.of(
                  "DNS_SERVERS",
                  "127.0.0.1:" + dns.address().getPort(),
                  "ALERT_AFTER_FAILURES",
                  "1",
                  "ALERT_TOPIC_ARN",
                  TestAws.TOPIC_ARN,
                  "AWS_REGION",
                  "us-east-1",
                  "AWS_ACCESS_KEY_ID",
                  "testing",
                  "AWS_SECRET_ACCESS_KEY",
                  "testing",
                  "AWS_ENDPOINT_URL_CLOUDWATCH",
                  cloudWatch.uri().toString(),
                  "AWS_ENDPOINT_URL_SNS",
                  sns.uri().toString()),
              "--publish",
              "--json");

      assertEquals(1, run.status(), run.err());
      JsonNode report = new ObjectMapper().readTree(run.out());
      assertEquals("api", report.get("published").get("metrics").get("mode").asText());
      assertEquals("PUBLISHED", report.get("published").get("alerts").get("delivery").asText());
      assertEquals(1, cloudWatch.putMetricDataCalls().size());
      assertEquals("PrivateLinkHealth", cloudWatch.putMetricDataCalls().getFirst().namespace());
      assertEquals(1, sns.published().size());
      assertEquals(
          "[ALARM] prefect-api NXDOMAIN, prefect-ui NXDOMAIN",
          sns.published().getFirst().param("Subject"));
      assertTrue(run.err().contains("\"message\":\"target unhealthy\""), run.err());
    }
  }

  @Test
  void badConfigurationExitsTwo() throws Exception {
    Run run = run(Map.of("TARGETS", "[{\"name\": \"a\", \"url\": \"gopher://a\"}]"));
    assertEquals(2, run.status());
    assertTrue(run.err().contains("TARGETS[0].url (target \"a\") must be an http://"), run.err());
  }

  private static Map<String, String> sns(SnsEndpoint sns, String... more) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("ALERT_TOPIC_ARN", TestAws.TOPIC_ARN);
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "testing");
    env.put("AWS_SECRET_ACCESS_KEY", "testing");
    env.put("AWS_ENDPOINT_URL_SNS", sns.uri().toString());
    // No call may reach real AWS, whatever the run tries.
    env.put("AWS_ENDPOINT_URL_CLOUDWATCH", sns.uri().toString());
    env.put("AWS_ENDPOINT_URL_DYNAMODB", sns.uri().toString());
    env.put("DNS_SERVERS", "127.0.0.1:9");
    env.put("HOSTNAME", "ops-laptop-17");
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  @Test
  void testAlertPublishesOneTestMessageAndExitsZero() throws Exception {
    try (SnsEndpoint sns = SnsEndpoint.start()) {
      Run run = run(sns(sns), "--test-alert");

      assertEquals(0, run.status(), run.err());
      JsonNode answer = new ObjectMapper().readTree(run.out()).get("testAlert");
      assertEquals("PUBLISHED", answer.get("delivery").asText(), run.out());
      assertTrue(answer.get("error").isNull(), run.out());
      assertEquals(1, sns.published().size());
      Map<String, String> message = sns.published().getFirst().params();
      assertEquals(message.get("Subject"), answer.get("subject").asText());
      assertTrue(message.get("Subject").startsWith("[TEST] "), message.get("Subject"));
      assertTrue(message.get("Subject").contains("ops-laptop-17"), message.get("Subject"));
      // A test names no targets and no reasons: state is its only attribute.
      assertEquals(
          Map.of("state", List.of("String", "TEST")),
          SnsEndpoint.attributes(message),
          message.toString());
      assertTrue(!answer.get("messageId").asText().isEmpty(), run.out());
      // Nothing was checked: the run never asked DNS for the default targets.
      assertTrue(!run.err().contains("check finished"), run.err());
    }
  }

  @Test
  void aTestAlertThatCannotBePublishedExitsOne() throws Exception {
    try (SnsEndpoint sns = SnsEndpoint.start()) {
      sns.replyAlways(AwsTestServer.Reply.SERVER_ERROR);
      Run run = run(sns(sns), "--test-alert");

      assertEquals(1, run.status(), run.out() + run.err());
      JsonNode answer = new ObjectMapper().readTree(run.out()).get("testAlert");
      assertEquals("FAILED", answer.get("delivery").asText(), run.out());
      assertTrue(answer.get("messageId").isNull(), run.out());
      assertTrue(answer.get("error").asText().startsWith("SNS Publish to "), run.out());
      assertEquals(0, sns.published().size());
    }
  }
}
