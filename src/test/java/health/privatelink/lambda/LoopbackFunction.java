package health.privatelink.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.privatelink.aws.AwsSettings;
import health.privatelink.config.Config;
import health.privatelink.config.ConfigParser;
import health.privatelink.run.Wiring;
import health.privatelink.testing.CloudWatchTestServer;
import health.privatelink.testing.DnsTestServer;
import health.privatelink.testing.Ec2TestServer;
import health.privatelink.testing.SnsEndpoint;
import health.privatelink.testing.TestAws;
import health.privatelink.testing.TestPki;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The function as production wires it ({@link Wiring}), with every dependency on loopback: a DNS
 * server, CloudWatch, SNS, EC2 for the diagnosis (on: {@code VPC_ID} is set), and a DynamoDB
 * endpoint that is, by default, unreachable. Standard output is captured.
 */
final class LoopbackFunction implements AutoCloseable {
  static final String HOST = "api.private.example.test";
  static final String VPC = "vpc-0f1e2d3c4b5a69788";
  private static final ObjectMapper JSON = new ObjectMapper();

  final TestPki pki = new TestPki();
  final DnsTestServer dns;
  final CloudWatchTestServer cloudWatch = CloudWatchTestServer.start();
  final SnsEndpoint sns;
  final Ec2TestServer ec2 = Ec2TestServer.start();
  final URI unreachable;
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  final PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);

  /** The credentials the SDK clients sign with, as the SDK would read them from the environment. */
  AwsCredentialsProvider credentials =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

  /** Where the DynamoDB client goes when {@code STATE_TABLE} is set. */
  URI dynamoEndpoint;

  LoopbackFunction() throws IOException {
    dns = DnsTestServer.start();
    dns.on(HOST).a("127.0.0.1");
    sns = SnsEndpoint.start();
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      unreachable = URI.create("http://127.0.0.1:" + probe.getLocalPort());
    }
    dynamoEndpoint = unreachable;
    // Mockito generates the context's mock class on first use, which takes a second on a busy
    // machine: done here, it stays out of the invocations the tests time.
    HandlerTest.context(0);
  }

  /** The variables every test here sets, and then {@code more}. */
  Map<String, String> env(String targetsJson, Map<String, String> more) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TARGETS", targetsJson);
    env.put("DNS_SERVERS", "127.0.0.1:" + dns.address().getPort());
    env.put("EXPECTED_CIDRS", "127.0.0.0/8");
    env.put("METRICS_MODE", "api");
    env.put("ALERT_TOPIC_ARN", TestAws.TOPIC_ARN);
    env.put("ALERT_AFTER_FAILURES", "1");
    env.put("VPC_ID", VPC);
    env.putAll(more);
    return env;
  }

  /**
   * The AWS settings production reads from {@code env}, with the loopback endpoints (unless {@code
   * env} names its own) and {@link #credentials}.
   */
  AwsSettings aws(Map<String, String> env) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("AWS_REGION", "us-east-1");
    all.put("AWS_ENDPOINT_URL_CLOUDWATCH", cloudWatch.uri().toString());
    all.put("AWS_ENDPOINT_URL_SNS", sns.uri().toString());
    all.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoEndpoint.toString());
    all.put("AWS_ENDPOINT_URL_EC2", ec2.uri().toString());
    all.putAll(env);
    return AwsSettings.from(all).withCredentials(credentials);
  }

  /** The handler for this environment, wired as production wires it but for the endpoints. */
  Handler handler(Map<String, String> env) {
    Config config = ConfigParser.parse(env);
    return new Handler(
        config, Wiring.pipeline(config, aws(env), pki.clientSocketFactory(), out), out);
  }

  /** Invokes with {@code event} and {@code remainingMillis} on the clock; returns the report. */
  static JsonNode invoke(Handler handler, String event, long remainingMillis) throws IOException {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
        output,
        HandlerTest.context(remainingMillis));
    return JSON.readTree(output.toByteArray());
  }

  /** Everything written to standard output so far: log lines and EMF lines. */
  String stdout() {
    return stdout.toString(StandardCharsets.UTF_8);
  }

  /** Forgets the output so far, so that a long run does not keep it all. */
  void clearStdout() {
    stdout.reset();
  }

  @Override
  public void close() {
    dns.close();
    cloudWatch.close();
    sns.close();
    ec2.close();
  }
}
