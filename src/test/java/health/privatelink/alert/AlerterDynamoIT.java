package health.privatelink.alert;

import static health.privatelink.testing.TestReports.failed;
import static health.privatelink.testing.TestReports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.Deadline;
import health.privatelink.Log;
import health.privatelink.Reason;
import health.privatelink.check.Report;
import health.privatelink.testing.AwsTestServer.Reply;
import health.privatelink.testing.ForwardingStateStore;
import health.privatelink.testing.MotoStateTable;
import health.privatelink.testing.SilentServer;
import health.privatelink.testing.SnsEndpoint;
import health.privatelink.testing.SnsTopic;
import health.privatelink.testing.TestAws;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The alerter with state in DynamoDB: overlapping runs, a table that cannot be reached or hangs,
 * and a publish that fails while the table works. moto serves the table, {@link SnsEndpoint} the
 * topic, both on loopback and reached by the real SDK clients.
 */
class AlerterDynamoIT {
  static final String TABLE = "privatelink-health-state";
  static final Instant T0 = Instant.parse("2025-06-03T14:00:00Z");
  static final AlertRules RULES = new AlertRules(2, Duration.ofMinutes(60));
  @RegisterExtension static final MotoStateTable STATE = new MotoStateTable(TABLE);

  @RegisterExtension final SnsTopic topic = new SnsTopic();
  final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  final String target = "t-" + UUID.randomUUID();

  Alerter alerter(StateStore store) {
    PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
    return new Alerter(RULES, store, topic.delivery(new Log(out)), out);
  }

  Alerter withTable() {
    return alerter(new DynamoStateStore(STATE::client, TABLE));
  }

  Report failing(int minute) {
    return report(T0.plus(Duration.ofMinutes(minute)), failed(target, Reason.CONNECT_REFUSED));
  }

  static Deadline soon() {
    return Deadline.after(Duration.ofSeconds(10));
  }

  @Test
  void twoOverlappingRunsSharingTheTableSendOneAlert() throws Exception {
    Runs.alert(withTable(), failing(0), soon());
    // Both runs read the same state before either writes: only the conditional write decides.
    CyclicBarrier bothRead = new CyclicBarrier(2);
    Alerter first = alerter(readingTogether(new DynamoStateStore(STATE::client, TABLE), bothRead));
    Alerter second = alerter(readingTogether(new DynamoStateStore(STATE::client, TABLE), bothRead));

    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<AlertOutcome> a = pool.submit(() -> Runs.alert(first, failing(1), soon()));
      Future<AlertOutcome> b = pool.submit(() -> Runs.alert(second, failing(1), soon()));
      List<AlertOutcome> outcomes =
          List.of(a.get(20, TimeUnit.SECONDS), b.get(20, TimeUnit.SECONDS));

      assertEquals(
          1,
          outcomes.stream().filter(o -> o.delivery() == AlertOutcome.Delivery.PUBLISHED).count(),
          outcomes.toString());
      assertEquals(
          1,
          outcomes.stream().filter(o -> o.delivery() == AlertOutcome.Delivery.NONE).count(),
          outcomes.toString());
      assertEquals(1, topic.endpoint().published().size());
      assertTrue(outcomes.stream().allMatch(o -> o.errors().isEmpty()), outcomes.toString());
      assertTrue(
          stdout
              .toString(StandardCharsets.UTF_8)
              .contains("alert state changed by an overlapping run; leaving this target to it"));
    } finally {
      pool.shutdownNow();
    }
    assertEquals(
        AlertOutcome.Delivery.NONE, Runs.alert(withTable(), failing(2), soon()).delivery());
  }

  @Test
  void aColdStartKeepsTheOpenAlertFromTheTable() {
    Runs.alert(withTable(), failing(0), soon());
    assertEquals(
        AlertOutcome.Delivery.PUBLISHED, Runs.alert(withTable(), failing(1), soon()).delivery());
    AlertOutcome ok =
        Runs.alert(
            withTable(),
            report(
                T0.plus(Duration.ofMinutes(2)),
                health.privatelink.testing.TestReports.passed(target)),
            soon());
    assertEquals(Optional.of(AlertEvent.OK), ok.state());
    assertEquals(
        List.of("[ALARM] " + target + " CONNECT_REFUSED", "[OK] " + target),
        topic.endpoint().published().stream().map(r -> r.param("Subject")).toList());
  }

  @Test
  void aFailedPublishLeavesTheTableSoTheNextProcessSendsIt() {
    Runs.alert(withTable(), failing(0), soon());
    topic.endpoint().replyAlways(Reply.SERVER_ERROR);
    AlertOutcome failed =
        Runs.alert(withTable(), failing(1), Deadline.after(Duration.ofSeconds(2)));
    assertEquals(AlertOutcome.Delivery.FAILED, failed.delivery());
    assertEquals(1, failed.errors().size(), failed.errors().toString());

    topic.endpoint().recover();
    AlertOutcome next = Runs.alert(withTable(), failing(2), soon());
    assertEquals(AlertOutcome.Delivery.PUBLISHED, next.delivery());
    assertEquals(Optional.of(AlertEvent.ALARM), next.state());
    assertEquals(
        AlertOutcome.Delivery.NONE, Runs.alert(withTable(), failing(3), soon()).delivery());
    assertEquals(1, topic.endpoint().published().size());
  }

  @Test
  void anUnreachableTableFallsBackToThisProcessAndStaysWithinTheDeadline() throws IOException {
    URI nothing = SilentServer.unreachable();
    try (DynamoDbClient down = TestAws.dynamoDb(nothing)) {
      Alerter alerter = alerter(new DynamoStateStore(() -> down, TABLE));
      List<AlertOutcome> outcomes = new java.util.ArrayList<>();
      for (int minute = 0; minute < 3; minute++) {
        Deadline deadline = Deadline.after(Duration.ofMillis(1500));
        outcomes.add(Runs.alert(alerter, failing(minute), deadline));
        assertFalse(deadline.expired(), "run " + minute + " returned after its deadline");
      }
      assertEquals(
          List.of(
              AlertOutcome.Delivery.NONE,
              AlertOutcome.Delivery.PUBLISHED,
              AlertOutcome.Delivery.NONE),
          outcomes.stream().map(AlertOutcome::delivery).toList());
      for (AlertOutcome outcome : outcomes) {
        assertEquals(1, outcome.errors().size(), outcome.errors().toString());
        assertTrue(
            outcome.errors().get(0).startsWith("DynamoDB BatchGetItem of " + target),
            outcome.errors().get(0));
      }
    }
    assertTrue(
        stdout
            .toString(StandardCharsets.UTF_8)
            .contains("deciding from the state this process knows"));
  }

  @Test
  void aHangingTableCannotHoldTheRunPastItsDeadline() throws IOException {
    try (SilentServer silent = new SilentServer();
        DynamoDbClient hung = TestAws.dynamoDb(silent.uri())) {
      Alerter alerter = alerter(new DynamoStateStore(() -> hung, TABLE));
      Runs.alert(alerter, failing(0), Deadline.after(Duration.ofMillis(1500)));

      Deadline deadline = Deadline.after(Duration.ofMillis(2000));
      AlertOutcome outcome = Runs.alert(alerter, failing(1), deadline);

      assertFalse(deadline.expired(), "returned after the deadline");
      assertTrue(silent.connections() > 0, "the client reached the hung endpoint");
      assertEquals(AlertOutcome.Delivery.PUBLISHED, outcome.delivery(), "decided from memory");
      assertEquals(1, outcome.errors().size(), outcome.errors().toString());
      assertTrue(
          outcome.errors().get(0).contains("DynamoDB BatchGetItem"), outcome.errors().get(0));
    }
  }

  @Test
  void theTableComingBackTakesOverWhatThisProcessDecidedMeanwhile() throws IOException {
    URI nothing = SilentServer.unreachable();
    Alerter alerter;
    try (DynamoDbClient down = TestAws.dynamoDb(nothing)) {
      ForwardingStateStore store =
          new ForwardingStateStore(new DynamoStateStore(() -> down, TABLE));
      alerter = alerter(store);
      Runs.alert(alerter, failing(0), Deadline.after(Duration.ofMillis(1500)));
      assertEquals(
          AlertOutcome.Delivery.PUBLISHED,
          Runs.alert(alerter, failing(1), Deadline.after(Duration.ofMillis(1500))).delivery());
      store.forwardTo(new DynamoStateStore(STATE::client, TABLE));
      AlertOutcome back = Runs.alert(alerter, failing(2), soon());
      assertEquals(AlertOutcome.Delivery.NONE, back.delivery(), "the ALARM is not sent twice");
      assertEquals(List.of(), back.errors());
    }
    // The table now holds the open alert, so a cold start does not page again either.
    assertEquals(
        AlertOutcome.Delivery.NONE, Runs.alert(withTable(), failing(3), soon()).delivery());
    assertEquals(1, topic.endpoint().published().size());
  }

  /** Holds each load until the other run has loaded too. */
  private static StateStore readingTogether(StateStore inner, CyclicBarrier barrier) {
    return new ForwardingStateStore(inner) {
      @Override
      public Map<String, AlertState> load(
          Collection<String> targets, Instant now, Deadline deadline) {
        Map<String, AlertState> loaded = super.load(targets, now, deadline);
        try {
          barrier.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
          throw new AssertionError("the other run did not read", e);
        }
        return loaded;
      }
    };
  }
}
