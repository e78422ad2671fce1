package health.privatelink.publish;

import static health.privatelink.testing.TestReports.STARTED_AT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import health.privatelink.Deadline;
import health.privatelink.Log;
import health.privatelink.aws.AwsClients;
import health.privatelink.check.Report;
import health.privatelink.config.Config;
import health.privatelink.config.MetricsDetail;
import health.privatelink.config.MetricsMode;
import health.privatelink.run.Wiring;
import health.privatelink.testing.AwsTestServer.Reply;
import health.privatelink.testing.AwsTestServer.Request;
import health.privatelink.testing.CloudWatchTestServer;
import health.privatelink.testing.CloudWatchTestServer.Datum;
import health.privatelink.testing.CloudWatchTestServer.PutMetricData;
import health.privatelink.testing.TestAws;
import health.privatelink.testing.TestReports;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/** The publisher with the real SDK client against a CloudWatch endpoint on 127.0.0.1. */
class MetricsPublisherTest {
  private static final String NAMESPACE = "Test/PrivateLinkHealth";
  private static final ObjectMapper JSON = new ObjectMapper();

  private CloudWatchTestServer server;
  private CloudWatchClient client;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final PrintStream stdout = new PrintStream(output, true, StandardCharsets.UTF_8);

  @BeforeEach
  void start() {
    server = CloudWatchTestServer.start();
    client = CloudWatchApi.client(aws());
  }

  /** The production factory, pointed at the loopback CloudWatch. */
  private AwsClients aws() {
    return TestAws.clients(Map.of("AWS_ENDPOINT_URL_CLOUDWATCH", server.uri().toString()));
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void primingTakesACallThroughTheClientAndSendsNothing() {
    assertTrue(CloudWatchApi.prime(client, NAMESPACE));
    assertEquals(List.of(), server.requests(), "a priming call reached the endpoint");

    // The primed client still sends real calls.
    apiPublisher().publish(TestReports.healthyTargets(1), Deadline.after(Duration.ofSeconds(5)));
    assertEquals(1, server.putMetricDataCalls().size());
  }

  @Test
  void primingThatFailsEarlierSaysSoAndSendsNothing() {
    try (CloudWatchClient noCredentials =
        CloudWatchApi.client(
            new AwsClients(
                aws()
                    .settings()
                    .withCredentials(() -> {
                      throw SdkClientException.create("no credentials here");
                    })))) {
      assertFalse(CloudWatchApi.prime(noCredentials, NAMESPACE));
    }
    assertEquals(List.of(), server.requests());
  }

  @Test
  void prepareBuildsAndPrimesTheClientInTheBackgroundOnlyInApiMode() throws Exception {
    AtomicInteger built = new AtomicInteger();
    MetricsPublisher publisher = countingApiPublisher(built);

    publisher.prepare().orElseThrow().get(10, java.util.concurrent.TimeUnit.SECONDS);

    assertEquals(1, built.get());
    assertEquals(List.of(), server.requests(), "preparing sent a call");
    publisher.publish(TestReports.healthyTargets(1), Deadline.after(Duration.ofSeconds(5)));
    assertEquals(1, built.get(), "the first publish built a second client");
    assertEquals(1, server.putMetricDataCalls().size());
    assertEquals(Optional.empty(), publisher(MetricsMode.EMF, neverBuilt()).prepare());
    assertEquals(Optional.empty(), publisher(MetricsMode.OFF, neverBuilt()).prepare());
  }

  private MetricsPublisher leanPublisher(MetricsMode mode, Supplier<CloudWatchClient> clients) {
    return new MetricsPublisher(
        mode, MetricsDetail.LEAN, NAMESPACE, clients, stdout, new Log(stdout));
  }

  private MetricsPublisher publisher(MetricsMode mode, Supplier<CloudWatchClient> clients) {
    return new MetricsPublisher(mode, NAMESPACE, clients, stdout, new Log(stdout));
  }

  /** An {@code api} publisher over the test client that counts how often it asks for a client. */
  private MetricsPublisher countingApiPublisher(AtomicInteger built) {
    return publisher(
        MetricsMode.API,
        () -> {
          built.incrementAndGet();
          return client;
        });
  }

  private MetricsPublisher apiPublisher() {
    return publisher(MetricsMode.API, () -> client);
  }

  private static Supplier<CloudWatchClient> neverBuilt() {
    return () -> {
      throw new AssertionError("the CloudWatch client must not be built in this mode");
    };
  }

  private List<String> outputLines() {
    String text = output.toString(StandardCharsets.UTF_8);
    return text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }

  private List<String> emfLines() {
    return outputLines().stream().filter(EmfDocument::isEmf).toList();
  }

  private List<JsonNode> logLines() throws Exception {
    List<JsonNode> logs = new ArrayList<>();
    for (String line : outputLines()) {
      if (!EmfDocument.isEmf(line)) {
        logs.add(JSON.readTree(line));
      }
    }
    return logs;
  }

  /** The data points as comparable lines, in order. */
  private static List<String> expected(List<DataPoint> points) {
    return points.stream().map(p -> MetricsTest.show(p) + " @" + p.timestamp()).toList();
  }

  private static List<String> arrived(List<PutMetricData> calls) {
    return calls.stream()
        .flatMap(c -> c.metricData().stream())
        .map(MetricsPublisherTest::show)
        .toList();
  }

  /** A datum as it arrived, in the form of {@link MetricsTest#show} plus its timestamp. */
  private static String show(Datum d) {
    String dimensions =
        d.dimensions().entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(",", "[", "]"));
    return d.name() + dimensions + " " + d.unit() + " " + d.value() + " @" + d.timestamp();
  }

  @Test
  void apiSendsEveryDataPointInOneCallStampedAtTheRunsStart() {
    Report report = TestReports.mixed();

    MetricsOutcome outcome = apiPublisher().publish(report, Deadline.after(Duration.ofSeconds(5)));

    assertEquals(new MetricsOutcome("api", 12, 12, 0, Optional.empty()), outcome);
    List<Request> requests = server.requests();
    assertEquals(1, requests.size(), "one PutMetricData call per run");
    Request request = requests.getFirst();
    assertEquals("POST", request.method());
    assertEquals(CloudWatchTestServer.PUT_METRIC_DATA_PATH, request.path());
    assertEquals("application/cbor", request.header("Content-Type"));
    assertEquals("rpc-v2-cbor", request.header("smithy-protocol"));
    assertTrue(
        request.header("Authorization").contains("/us-east-1/monitoring/aws4_request"),
        request.header("Authorization"));
    PutMetricData call = CloudWatchTestServer.putMetricData(request);
    assertEquals(NAMESPACE, call.namespace());
    assertEquals(
        List.of(
            "HealthCheckStatus[Target=prefect-api] None 1.0 @" + STARTED_AT,
            "Duration[Target=prefect-api] Milliseconds 46.625 @" + STARTED_AT,
            "DnsLookupTime[Target=prefect-api] Milliseconds 2.125 @" + STARTED_AT,
            "ConnectTime[Target=prefect-api] Milliseconds 1.5 @" + STARTED_AT,
            "TlsHandshakeTime[Target=prefect-api] Milliseconds 12.25 @" + STARTED_AT,
            "TimeToFirstByte[Target=prefect-api] Milliseconds 30.75 @" + STARTED_AT,
            "CertificateDaysRemaining[Target=prefect-api] None 300.0 @" + STARTED_AT,
            "HealthCheckStatus[Target=prefect-ui] None 0.0 @" + STARTED_AT,
            "Duration[Target=prefect-ui] Milliseconds 3.5 @" + STARTED_AT,
            "HealthCheckFailure[Target=prefect-ui,Reason=NXDOMAIN] Count 1.0 @" + STARTED_AT,
            "UnhealthyTargets[] Count 1.0 @" + STARTED_AT,
            "SilencedTargets[] Count 0.0 @" + STARTED_AT),
        arrived(List.of(call)));
    assertEquals(List.of(), outputLines(), "nothing on standard output when the call succeeds");
  }

  @Test
  void emfLinesCarryTheSameDataPointsAsTheApi() {
    Report report = TestReports.mixed();
    apiPublisher().publish(report, Deadline.after(Duration.ofSeconds(5)));

    publisher(MetricsMode.EMF, neverBuilt()).publish(report, Deadline.after(Duration.ofSeconds(5)));

    List<String> fromEmf =
        expected(EmfDocument.parseAll(emfLines(), NAMESPACE)).stream().sorted().toList();
    List<String> fromApi = arrived(server.putMetricDataCalls()).stream().sorted().toList();
    assertEquals(fromApi, fromEmf);
    assertEquals(12, fromEmf.size());
  }

  static Stream<Arguments> sizes() {
    return Stream.of(
        // 140 healthy targets (7 points) + 6 failed (3 points) + UnhealthyTargets and
        // SilencedTargets = 1000.
        Arguments.of(140, 6, List.of(1000)),
        // 141 healthy + 4 failed + 2 = 1001: the first point past the limit splits the run.
        Arguments.of(141, 4, List.of(1000, 1)),
        Arguments.of(300, 0, List.of(1000, 1000, 102)));
  }

  @ParameterizedTest(name = "{0} healthy, {1} failed targets: calls of {2}")
  @MethodSource("sizes")
  void apiSplitsOnlyPastOneThousandDataPoints(int healthy, int failed, List<Integer> calls) {
    Report report = TestReports.sized(healthy, failed);
    List<DataPoint> points = Metrics.of(report, MetricsDetail.FULL);

    MetricsOutcome outcome = apiPublisher().publish(report, Deadline.after(Duration.ofSeconds(10)));

    List<PutMetricData> arrived = server.putMetricDataCalls();
    assertEquals(
        calls, arrived.stream().map(c -> c.metricData().size()).toList(), outcome::toString);
    assertEquals(expected(points), arrived(arrived), "every data point once, in order");
    int total = calls.stream().mapToInt(Integer::intValue).sum();
    assertEquals(new MetricsOutcome("api", total, total, 0, Optional.empty()), outcome);
    assertEquals(List.of(), outputLines());
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        Arguments.of(
            Reply.SERVER_ERROR,
            "PutMetricData failed: HTTP 500 InternalServiceError: Internal service error from the"
                + " test server",
            3),
        // Throttled retries back off at random: the call ends either on the third 400 or in the
        // backoff before it, and both name the throttling.
        Arguments.of(
            Reply.THROTTLING,
            "PutMetricData (failed: HTTP 400 Throttling: Rate exceeded"
                + "|did not finish within \\d+ ms \\(last attempt: HTTP 400 Throttling\\))",
            2),
        // The first attempt times out after its share of the time, the second at the deadline.
        Arguments.of(
            Reply.HANG,
            "PutMetricData did not finish within \\d+ ms \\(last attempt: no answer\\)",
            2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void aFailedCallFallsBackToEmfWithinTheDeadline(Reply reply, String error, int attempts)
      throws Exception {
    server.replyAlways(reply);
    Report report = TestReports.mixed();
    Duration budget = Duration.ofMillis(1500);

    long start = System.nanoTime();
    MetricsOutcome outcome = apiPublisher().publish(report, Deadline.after(budget));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    // The SDK's timeouts end the call 100 ms before the deadline; the slack only absorbs a slow
    // machine. Without the timeouts a hung endpoint would hold the call for 3 x 5 s.
    assertTrue(
        took.compareTo(budget.plusMillis(500)) < 0, "publish took " + took.toMillis() + " ms");
    assertFalse(Thread.currentThread().isInterrupted(), "the SDK's timeout left no interrupt");
    assertEquals("api", outcome.mode());
    assertEquals(12, outcome.dataPoints());
    assertEquals(0, outcome.sentByApi());
    assertEquals(12, outcome.writtenAsEmf());
    String recorded = outcome.error().orElseThrow();
    assertTrue(recorded.matches(error), recorded);
    assertTrue(
        server.requests().size() >= attempts,
        "attempts: " + server.requests().size() + ", error: " + recorded);
    assertEquals(
        expected(Metrics.of(report, MetricsDetail.FULL)).stream().sorted().toList(),
        expected(EmfDocument.parseAll(emfLines(), NAMESPACE)).stream().sorted().toList());
    List<JsonNode> logs = logLines();
    assertEquals(1, logs.size(), "one log line for the failure");
    assertEquals("WARN", logs.getFirst().path("level").asText());
    assertEquals(recorded, logs.getFirst().path("error").asText());
    assertEquals(12, logs.getFirst().path("writtenAsEmf").asInt());
  }

  @Test
  void failedAttemptsAreRetriedWhileTimeRemains() {
    server.replyNext(Reply.SERVER_ERROR, Reply.THROTTLING);

    MetricsOutcome outcome =
        apiPublisher().publish(TestReports.mixed(), Deadline.after(Duration.ofSeconds(10)));

    assertEquals(new MetricsOutcome("api", 12, 12, 0, Optional.empty()), outcome);
    assertEquals(3, server.requests().size());
    assertEquals(List.of(), outputLines());
  }

  @Test
  void whenALaterCallFailsOnlyItsDataPointsAreWrittenAsEmf() {
    server.replyNext(Reply.OK).replyAlways(Reply.SERVER_ERROR);
    Report report = TestReports.healthyTargets(150);
    List<DataPoint> points = Metrics.of(report, MetricsDetail.FULL);

    MetricsOutcome outcome = apiPublisher().publish(report, Deadline.after(Duration.ofSeconds(5)));

    assertEquals(1052, outcome.dataPoints());
    assertEquals(1000, outcome.sentByApi());
    assertEquals(52, outcome.writtenAsEmf());
    assertTrue(outcome.error().isPresent());
    assertEquals(
        expected(points.subList(0, 1000)), arrived(server.putMetricDataCalls().subList(0, 1)));
    assertEquals(
        expected(points.subList(1000, 1052)).stream().sorted().toList(),
        expected(EmfDocument.parseAll(emfLines(), NAMESPACE)).stream().sorted().toList());
  }

  @Test
  void withNoTimeLeftTheCallIsNotStartedAndEverythingGoesToEmf() {
    Deadline almostOver = Deadline.after(CloudWatchApi.MIN_CALL_TIME.minusMillis(10));

    MetricsOutcome outcome = apiPublisher().publish(TestReports.mixed(), almostOver);

    assertEquals(List.of(), server.requests());
    assertEquals(12, outcome.writtenAsEmf());
    assertTrue(outcome.error().orElseThrow().startsWith("PutMetricData not attempted"));
    assertEquals(12, EmfDocument.parseAll(emfLines(), NAMESPACE).size());
  }

  @Test
  void emfModeWritesLinesAndNeverBuildsAClient() {
    Report report = TestReports.mixed();

    MetricsOutcome outcome =
        publisher(MetricsMode.EMF, neverBuilt())
            .publish(report, Deadline.after(Duration.ofSeconds(5)));

    assertEquals(new MetricsOutcome("emf", 12, 0, 12, Optional.empty()), outcome);
    assertEquals(3, emfLines().size());
    assertEquals(
        expected(Metrics.of(report, MetricsDetail.FULL)).stream().sorted().toList(),
        expected(EmfDocument.parseAll(emfLines(), NAMESPACE)).stream().sorted().toList());
    assertEquals(List.of(), server.requests());
  }

  @Test
  void offModeWritesNothingAndNeverBuildsAClient() {
    MetricsOutcome outcome =
        publisher(MetricsMode.OFF, neverBuilt())
            .publish(TestReports.mixed(), Deadline.after(Duration.ofSeconds(5)));

    assertEquals(new MetricsOutcome("off", 0, 0, 0, Optional.empty()), outcome);
    assertEquals(List.of(), outputLines());
    assertEquals(List.of(), server.requests());
  }

  @Test
  void theClientIsBuiltOnceForEveryRunOfTheProcess() {
    AtomicInteger built = new AtomicInteger();
    MetricsPublisher publisher = countingApiPublisher(built);

    publisher.publish(TestReports.mixed(), Deadline.after(Duration.ofSeconds(5)));
    publisher.publish(TestReports.mixed(), Deadline.after(Duration.ofSeconds(5)));

    assertEquals(1, built.get());
    assertEquals(2, server.putMetricDataCalls().size());
  }

  @Test
  void aClientThatCannotBeBuiltFallsBackToEmfAndIsTriedAgainNextRun() {
    AtomicInteger tries = new AtomicInteger();
    MetricsPublisher publisher =
        publisher(
            MetricsMode.API,
            () -> {
              if (tries.incrementAndGet() == 1) {
                throw SdkClientException.create("Unable to load region");
              }
              return client;
            });

    MetricsOutcome first =
        publisher.publish(TestReports.mixed(), Deadline.after(Duration.ofSeconds(5)));
    MetricsOutcome second =
        publisher.publish(TestReports.mixed(), Deadline.after(Duration.ofSeconds(5)));

    assertEquals(
        new MetricsOutcome(
            "api",
            12,
            0,
            12,
            Optional.of("CloudWatch client could not be built: Unable to load region")),
        first);
    assertEquals(3, emfLines().size(), "only the first run wrote EMF");
    assertEquals(new MetricsOutcome("api", 12, 12, 0, Optional.empty()), second);
    assertEquals(1, server.putMetricDataCalls().size());
  }

  @Test
  void fromConfigPublishesInTheConfiguredModeAndNamespace() {
    Config config =
        new Config(
            List.of(TestReports.target("prefect-api")),
            List.of(),
            List.of(),
            Duration.ofSeconds(5),
            "Custom/Namespace",
            MetricsMode.EMF,
            MetricsDetail.FULL,
            Optional.empty(),
            2,
            Duration.ofMinutes(60),
            Optional.empty(),
            List.of(),
            Optional.empty(),
            List.of());
    Report report = TestReports.mixed();

    MetricsOutcome outcome =
        Wiring.metrics(config, aws(), stdout)
            .publish(report, Deadline.after(Duration.ofSeconds(5)));

    assertEquals(new MetricsOutcome("emf", 12, 0, 12, Optional.empty()), outcome);
    assertEquals(12, EmfDocument.parseAll(emfLines(), "Custom/Namespace").size());
  }

  /** A {@code target timings} log line as the publisher should write it, without the timestamp. */
  private static String timingsLine(String target, String timings, String certificateDays) {
    return "{\"level\":\"INFO\",\"message\":\"target timings\",\"target\":\""
        + target
        + "\",\"timings\":"
        + timings
        + ",\"certificateDaysRemaining\":"
        + certificateDays
        + "}";
  }

  private static final List<String> SILENCED_RUN_TIMINGS =
      List.of(
          timingsLine(
              "prefect-api",
              "{\"dnsMs\":2,\"connectMs\":2,\"tlsMs\":12,\"ttfbMs\":31,\"totalMs\":47}",
              "300"),
          timingsLine(
              "prefect-ui",
              "{\"dnsMs\":2,\"connectMs\":2,\"tlsMs\":15,\"ttfbMs\":30,\"totalMs\":5003}",
              "300"),
          timingsLine(
              "legacy",
              "{\"dnsMs\":null,\"connectMs\":null,\"tlsMs\":null,\"ttfbMs\":null,"
                  + "\"totalMs\":4}",
              "null"));

  /** The non-EMF lines of standard output, each without its {@code timestamp}. */
  private List<String> logLinesWithoutTimestamp() throws Exception {
    List<String> lines = new ArrayList<>();
    for (JsonNode line : logLines()) {
      assertTrue(line.path("timestamp").isTextual(), line::toString);
      ((ObjectNode) line).remove("timestamp");
      lines.add(JSON.writeValueAsString(line));
    }
    return lines;
  }

  @Test
  void apiLeanSendsTheLeanSetAndLogsEachTargetsTimings() throws Exception {
    MetricsOutcome outcome =
        leanPublisher(MetricsMode.API, () -> client)
            .publish(MetricsTest.silencedRun(), Deadline.after(Duration.ofSeconds(5)));

    assertEquals(new MetricsOutcome("api", 8, 8, 0, Optional.empty()), outcome);
    List<PutMetricData> calls = server.putMetricDataCalls();
    assertEquals(1, calls.size(), "one PutMetricData call per run");
    assertEquals(NAMESPACE, calls.getFirst().namespace());
    assertEquals(
        List.of(
            "HealthCheckStatus[Target=prefect-api] None 1.0 @" + STARTED_AT,
            "HealthCheckStatus[Target=prefect-ui] None 0.0 @" + STARTED_AT,
            "HealthCheckFailure[Target=prefect-ui,Reason=CONNECT_TIMEOUT] Count 1.0 @" + STARTED_AT,
            "UnhealthyAddresses[Target=prefect-ui] Count 1.0 @" + STARTED_AT,
            "HealthCheckStatus[Target=legacy] None 0.0 @" + STARTED_AT,
            "HealthCheckFailure[Target=legacy,Reason=NXDOMAIN] Count 1.0 @" + STARTED_AT,
            "UnhealthyTargets[] Count 1.0 @" + STARTED_AT,
            "SilencedTargets[] Count 1.0 @" + STARTED_AT),
        arrived(calls));
    assertEquals(List.of(), emfLines(), "no EMF when the call succeeds");
    assertEquals(SILENCED_RUN_TIMINGS, logLinesWithoutTimestamp());
  }

  @Test
  void emfLeanWritesTheTimingsOnTheTargetsLinesAndNoLogLine() throws Exception {
    Report run = MetricsTest.silencedRun();

    MetricsOutcome outcome =
        leanPublisher(MetricsMode.EMF, neverBuilt())
            .publish(run, Deadline.after(Duration.ofSeconds(5)));

    assertEquals(new MetricsOutcome("emf", 8, 0, 8, Optional.empty()), outcome);
    assertEquals(
        Emf.lines(
            NAMESPACE,
            Metrics.of(run, MetricsDetail.LEAN),
            Metrics.logged(run, MetricsDetail.LEAN)),
        outputLines());
    List<Long> totals = new ArrayList<>();
    for (String line : emfLines()) {
      totals.add(JSON.readTree(line).path("timings").path("totalMs").asLong(-1));
    }
    assertEquals(List.of(47L, 5003L, 4L, -1L), totals, "each target's line, not the run's");
    assertEquals(List.of(), logLines());
  }

  @Test
  void offLeanWritesNothing() {
    MetricsOutcome outcome =
        leanPublisher(MetricsMode.OFF, neverBuilt())
            .publish(MetricsTest.silencedRun(), Deadline.after(Duration.ofSeconds(5)));

    assertEquals(new MetricsOutcome("off", 0, 0, 0, Optional.empty()), outcome);
    assertEquals(List.of(), outputLines());
    assertEquals(List.of(), server.requests());
  }

  @Test
  void apiLeanFallbackPutsTheTimingsOnTheEmfLinesInsteadOfLogLines() throws Exception {
    server.replyAlways(Reply.SERVER_ERROR);
    Report run = MetricsTest.silencedRun();

    MetricsOutcome outcome =
        leanPublisher(MetricsMode.API, () -> client)
            .publish(run, Deadline.after(Duration.ofSeconds(5)));

    assertEquals(8, outcome.writtenAsEmf());
    assertEquals(
        Emf.lines(
            NAMESPACE,
            Metrics.of(run, MetricsDetail.LEAN),
            Metrics.logged(run, MetricsDetail.LEAN)),
        emfLines());
    List<JsonNode> logs = logLines();
    assertEquals(1, logs.size(), "only the failure is logged, no target timings: " + logs);
    assertEquals("WARN", logs.getFirst().path("level").asText());
  }

  @Test
  void fullWritesNoTimingsLine() throws Exception {
    publisher(MetricsMode.API, () -> client)
        .publish(MetricsTest.silencedRun(), Deadline.after(Duration.ofSeconds(5)));

    assertEquals(List.of(), outputLines(), "full carries the timings as metrics only");
    // 7 of the healthy target, 9 of the broken zone's, 3 of the NXDOMAIN one and the 2 counts.
    assertEquals(21, server.putMetricDataCalls().getFirst().metricData().size());
  }
}
