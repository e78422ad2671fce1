package health.privatelink.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.privatelink.Deadline;
import health.privatelink.Log;
import health.privatelink.Reason;
import health.privatelink.alert.AlertRules;
import health.privatelink.alert.AlertState;
import health.privatelink.alert.Alerter;
import health.privatelink.alert.LogDelivery;
import health.privatelink.alert.MemoryStateStore;
import health.privatelink.alert.StateStore;
import health.privatelink.aws.AwsClients;
import health.privatelink.aws.AwsSettings;
import health.privatelink.check.Checker;
import health.privatelink.check.TargetResult;
import health.privatelink.config.Config;
import health.privatelink.config.ConfigParser;
import health.privatelink.dns.DnsResolver;
import health.privatelink.probe.HttpProber;
import health.privatelink.testing.DnsTestServer;
import health.privatelink.testing.Ec2TestServer;
import health.privatelink.testing.ForwardingStateStore;
import health.privatelink.testing.TestAws;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One run through the pipeline with a failing target: its diagnosis reaches the report, the {@code
 * target unhealthy} log line and the alert body, and a hung EC2 cannot hold the run.
 */
class PipelineTest {
  private static final String HOST = "api.private.prefect.cloud";
  private static final String VPC = "vpc-0f1e2d3c4b5a69788";
  private static final String NO_ENDPOINT =
      "no VPC endpoint in "
          + VPC
          + " serves "
          + HOST
          + ": create an interface endpoint for the service with Private DNS";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DnsTestServer dns = DnsTestServer.started();
  private final Ec2TestServer ec2 = Ec2TestServer.start();
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

  @AfterEach
  void stop() throws Exception {
    ec2.close();
    dns.close();
  }

  private Config config() {
    dns.on(HOST).nxdomain();
    return ConfigParser.parse(
        Map.of(
            "TARGETS",
            "[{\"name\": \"prefect-api\", \"url\": \"https://" + HOST + "/api/health\"}]",
            "DNS_SERVERS",
            "127.0.0.1:" + dns.address().getPort(),
            "DEFAULT_TIMEOUT_MS",
            "2000",
            "METRICS_MODE",
            "off",
            "ALERT_AFTER_FAILURES",
            "1",
            "VPC_ID",
            VPC));
  }

  /** EC2 on the loopback test server; every other service on a closed port. */
  private AwsSettings aws() {
    return TestAws.settings(
        Map.of(
            "AWS_ENDPOINT_URL",
            "http://127.0.0.1:9",
            "AWS_ENDPOINT_URL_EC2",
            ec2.uri().toString()));
  }

  /** The production wiring, but for the loopback endpoints. */
  private Pipeline pipeline(Config config) {
    PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
    return Wiring.pipeline(config, aws(), (SSLSocketFactory) SSLSocketFactory.getDefault(), out);
  }

  private Pipeline pipeline(Config config, Alerter alerter) {
    PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
    AwsClients aws = new AwsClients(aws());
    return new Pipeline(
        new Checker(
            new DnsResolver(config.dnsServers()),
            new HttpProber((SSLSocketFactory) SSLSocketFactory.getDefault(), Clock.systemUTC()),
            Clock.systemUTC()),
        Wiring.diagnoser(config, aws, out),
        Wiring.metrics(config, aws, out),
        alerter,
        out);
  }

  private List<JsonNode> logLines() throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : stdout.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  private JsonNode logLine(String message) throws Exception {
    return logLines().stream()
        .filter(l -> message.equals(l.path("message").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no '" + message + "' line in\n" + stdout));
  }

  @Test
  void diagnosisReachesReportLogAndAlertBody() throws Exception {
    Config config = config();

    Pipeline.Outcome outcome =
        pipeline(config).run(config.targets(), Deadline.after(Duration.ofSeconds(20)), true);

    TargetResult result = outcome.report().results().getFirst();
    assertEquals(Reason.NXDOMAIN, result.failure().orElseThrow().reason());
    assertEquals(Optional.of(NO_ENDPOINT), result.diagnosis());
    assertEquals(NO_ENDPOINT, logLine("target unhealthy").get("diagnosis").asText());
    String body =
        logLines().stream()
            .filter(l -> l.path("message").asText().startsWith("alert"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no alert line in\n" + stdout))
            .get("body")
            .asText();
    assertTrue(body.contains("Diagnosis: " + NO_ENDPOINT), body);
    assertEquals(List.of("DescribeVpcEndpoints"), ec2.actions());
  }

  @Test
  void hungEc2LeavesTheCheckResultAndTheRunOnTime() throws Exception {
    ec2.replyAlways(Ec2TestServer.Reply.HANG);
    Config config = config();
    long start = System.nanoTime();

    Pipeline.Outcome outcome =
        pipeline(config).run(config.targets(), Deadline.after(Duration.ofSeconds(20)), true);

    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMs < TimePlan.DIAGNOSIS.toMillis() + 1_500, "the run took " + tookMs + " ms");
    TargetResult result = outcome.report().results().getFirst();
    assertEquals(Reason.NXDOMAIN, result.failure().orElseThrow().reason());
    assertTrue(
        result.diagnosis().orElseThrow().startsWith("could not diagnose: no answer from EC2"),
        result.diagnosis().toString());
    assertEquals(1, outcome.alerts().orElseThrow().targets().size());
  }

  @Test
  void alertStateIsReadWhileTheChecksWait() throws Exception {
    Config config = config();
    dns.on(HOST).delay(Duration.ofMillis(800)).nxdomain();
    AtomicLong readStarted = new AtomicLong();
    MemoryStateStore memory = new MemoryStateStore();
    StateStore store =
        new ForwardingStateStore(memory) {
          @Override
          public Map<String, AlertState> load(
              Collection<String> targets, Instant now, Deadline deadline) {
            readStarted.set(System.nanoTime());
            return super.load(targets, now, deadline);
          }
        };
    PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
    Alerter alerter =
        new Alerter(AlertRules.from(config), store, new LogDelivery(new Log(out)), out);
    long start = System.nanoTime();

    Pipeline.Outcome outcome =
        pipeline(config, alerter)
            .run(config.targets(), Deadline.after(Duration.ofSeconds(20)), true);

    long readAfterMs = (readStarted.get() - start) / 1_000_000;
    // The DNS answer alone takes 800 ms; a read after the checks would start later than that.
    assertTrue(
        readStarted.get() != 0 && readAfterMs < 400,
        "the read started after " + readAfterMs + " ms");
    assertTrue(
        outcome.report().duration().toMillis() >= 800, outcome.report().duration().toString());
    assertEquals(1, outcome.alerts().orElseThrow().targets().size());
  }
}
