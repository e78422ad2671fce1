package health.privatelink.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.Deadline;
import health.privatelink.testing.CloudWatchTestServer;
import health.privatelink.testing.Ec2TestServer;
import health.privatelink.testing.SilentServer;
import health.privatelink.testing.TestAws;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.sns.SnsClient;

/** The one factory: clients go where the settings say, and every call ends by its deadline. */
class AwsClientsTest {
  @Test
  void settingsFollowTheSdksVariablesAndPrecedence() {
    AwsSettings settings =
        AwsSettings.from(
            Map.of(
                "AWS_REGION", "eu-west-2",
                "AWS_DEFAULT_REGION", "us-west-1",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:1",
                "AWS_ENDPOINT_URL_SNS", "http://127.0.0.1:2"));
    assertEquals(Optional.of("eu-west-2"), settings.region());
    assertEquals(Optional.of("http://127.0.0.1:2"), settings.endpoint(AwsSettings.Service.SNS));
    assertEquals(Optional.of("http://127.0.0.1:1"), settings.endpoint(AwsSettings.Service.EC2));
    assertEquals(Optional.empty(), settings.credentials());

    AwsSettings ignored =
        AwsSettings.from(
            Map.of(
                "AWS_ENDPOINT_URL_SNS", "http://127.0.0.1:2",
                "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"));
    assertEquals(Map.of(), ignored.endpoints());
    assertEquals(Optional.empty(), ignored.region(), "AWS_DEFAULT_REGION is not the SDK's");
  }

  @Test
  void theCloudWatchClientGoesToTheConfiguredEndpointAndRegion() {
    try (CloudWatchTestServer server = CloudWatchTestServer.start();
        CloudWatchClient client =
            TestAws.clients(
                    Map.of(
                        "AWS_REGION",
                        "eu-central-1",
                        "AWS_ENDPOINT_URL_CLOUDWATCH",
                        server.uri().toString()))
                .cloudWatch(List.of())) {
      client.putMetricData(b ->
          b.namespace("Test")
              .metricData(
                  software.amazon.awssdk.services.cloudwatch.model.MetricDatum.builder()
                      .metricName("m")
                      .value(1.0)
                      .build()));

      List<CloudWatchTestServer.Request> requests = server.requests();
      assertEquals(1, requests.size());
      String authorization = requests.getFirst().header("Authorization");
      assertTrue(authorization.contains("/eu-central-1/monitoring/aws4_request"), authorization);
    }
  }

  @Test
  void theEc2PathGoesToTheConfiguredEndpointAndRegion() throws Exception {
    try (Ec2TestServer server = Ec2TestServer.start()) {
      AwsClients.Ec2Path path =
          TestAws.clients(
                  Map.of(
                      "AWS_REGION", "ap-south-1", "AWS_ENDPOINT_URL_EC2", server.uri().toString()))
              .ec2();
      assertEquals(server.uri(), path.uri());
      assertEquals("ap-south-1", path.region());

      new health.privatelink.diagnose.Ec2QueryClient(path)
          .vpcEndpointsInVpc("vpc-0123456789abcdef0", Deadline.after(Duration.ofSeconds(5)));
      assertEquals(List.of("DescribeVpcEndpoints"), server.actions());
      String authorization = server.requests().getFirst().header("authorization");
      assertTrue(authorization.contains("/ap-south-1/ec2/aws4_request"), authorization);
    }
  }

  @Test
  void anUnusableEndpointFailsTheClientNotTheConfiguration() {
    AwsClients clients = TestAws.clients(Map.of("AWS_ENDPOINT_URL_SNS", "not a uri"));
    SdkClientException e = assertThrows(SdkClientException.class, clients::sns);
    assertTrue(e.getMessage().contains("AWS_ENDPOINT_URL_SNS"), e.getMessage());
  }

  @Test
  void aCallToAHungEndpointEndsByItsDeadline() throws Exception {
    try (SilentServer silent = new SilentServer();
        SnsClient sns = TestAws.sns(silent.uri())) {
      Deadline deadline = Deadline.after(Duration.ofMillis(1500));
      long start = System.nanoTime();
      assertThrows(
          SdkException.class,
          () ->
              sns.publish(b ->
                  b.topicArn(TestAws.TOPIC_ARN)
                      .message("m")
                      .overrideConfiguration(CallLimits.within(deadline).orElseThrow())));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      // Ends at its deadline, not at the socket timeout (5 s) or after more attempts; the margin
      // is for the SDK's timeout thread on a loaded machine.
      assertTrue(tookMs < 1500 + 1000, "the call took " + tookMs + " ms");
      assertTrue(silent.connections() >= 1, "the call never reached the endpoint");
    }
  }

  @Test
  void theRuleGivesEachAttemptHalfTheCallButAtLeastASecond() {
    assertEquals(Duration.ofSeconds(3), CallLimits.attemptTime(Duration.ofSeconds(6)));
    assertEquals(Duration.ofSeconds(1), CallLimits.attemptTime(Duration.ofMillis(1500)));
    assertEquals(Duration.ofMillis(400), CallLimits.attemptTime(Duration.ofMillis(400)));
    assertEquals(Optional.empty(), CallLimits.within(Deadline.after(Duration.ofMillis(10))));
  }
}
