package health.privatelink.alert;

import static health.privatelink.testing.TestReports.failed;
import static health.privatelink.testing.TestReports.passed;
import static health.privatelink.testing.TestReports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.Deadline;
import health.privatelink.Log;
import health.privatelink.Reason;
import health.privatelink.check.Report;
import health.privatelink.check.Silence;
import health.privatelink.check.TargetResult;
import health.privatelink.testing.ForwardingStateStore;
import health.privatelink.testing.MotoStateTable;
import health.privatelink.testing.SnsTopic;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Silences with state in DynamoDB (moto on loopback): across runs and cold starts, their end with
 * the target still failing or recovered, an alarm open before the silence, and overlapping writers
 * that must never lose a silence nor clobber alert state.
 */
class SilenceDynamoIT {
  static final String TABLE = "privatelink-health-state";
  static final Instant T0 = Instant.parse("2025-06-03T14:00:00Z");
  static final AlertRules RULES = new AlertRules(2, Duration.ofMinutes(60));
  @RegisterExtension static final MotoStateTable STATE = new MotoStateTable(TABLE);

  @RegisterExtension final SnsTopic topic = new SnsTopic();
  final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  final String target = "t-" + UUID.randomUUID();

  DynamoStateStore table() {
    return new DynamoStateStore(STATE::client, TABLE);
  }

  /** A new process: nothing known but what the table holds. */
  Alerter coldStart(StateStore store) {
    PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
    return new Alerter(RULES, store, topic.delivery(new Log(out)), out);
  }

  static Deadline soon() {
    return Deadline.after(Duration.ofSeconds(10));
  }

  /**
   * One run at {@code minute}, its result marked with the silence in force then, as the pipeline
   * marks it from the same read.
   */
  AlertOutcome run(int minute, boolean fails) {
    Instant at = T0.plus(Duration.ofMinutes(minute));
    TargetResult result = fails ? failed(target, Reason.CONNECT_REFUSED) : passed(target);
    Optional<Silence> silence =
        table().loadSilences(List.of(target), at, soon()).get(target).active(at);
    Report report = report(at, silence.map(result::withSilence).orElse(result));
    return Runs.alert(coldStart(table()), report, soon());
  }

  void silenceUntil(int minute, String reason) {
    StoredSilence stored = table().loadSilences(List.of(target), T0, soon()).get(target);
    assertTrue(
        table()
            .replaceSilence(
                target,
                stored.version(),
                Optional.of(new Silence(T0.plus(Duration.ofMinutes(minute)), reason)),
                T0,
                soon()));
  }

  List<String> subjects() {
    return topic.endpoint().published().stream().map(r -> r.param("Subject")).toList();
  }

  String log() {
    return stdout.toString(StandardCharsets.UTF_8);
  }

  long lines(String message) {
    return log().lines().filter(l -> l.contains("\"message\":\"" + message + "\"")).count();
  }

  @Test
  void aSilenceHoldsTheAlarmAcrossRunsAndColdStartsAndItOpensOnTheFirstRunAfterTheEnd() {
    silenceUntil(5, "provider maintenance");
    for (int minute = 0; minute < 5; minute++) {
      assertEquals(AlertOutcome.Delivery.NONE, run(minute, true).delivery(), "minute " + minute);
    }
    assertEquals(List.of(), subjects(), "nothing sent while silenced");
    assertEquals(5, table().load(List.of(target), T0, soon()).get(target).failures());

    AlertOutcome after = run(5, true);
    assertEquals(Optional.of(AlertEvent.ALARM), after.state());
    assertEquals(List.of("[ALARM] " + target + " CONNECT_REFUSED"), subjects());
    assertEquals(1, lines("silence ended"), log());
    assertTrue(log().contains("\"until\":\"2025-06-03T14:05:00Z\""), log());
    assertEquals(
        StoredSilence.NONE.silence(),
        table().loadSilences(List.of(target), T0, soon()).get(target).silence(),
        "the ended silence is cleared");
    run(6, true);
    assertEquals(1, lines("silence ended"), "the end is logged once");
  }

  @Test
  void aFailureInsideTheSilenceThatRecoversSendsNothing() {
    silenceUntil(5, "maintenance");
    run(0, true);
    run(1, true);
    run(2, true);
    assertEquals(AlertOutcome.Delivery.NONE, run(3, false).delivery(), "no OK without an ALARM");
    assertEquals(AlertOutcome.Delivery.NONE, run(6, false).delivery());
    assertEquals(List.of(), subjects());
  }

  @Test
  void anAlarmOpenBeforeTheSilenceGetsNoReminderButItsOk() {
    run(0, true);
    assertEquals(Optional.of(AlertEvent.ALARM), run(1, true).state());
    silenceUntil(120, "maintenance");
    assertEquals(AlertOutcome.Delivery.NONE, run(70, true).delivery(), "the reminder is held");
    assertEquals(Optional.of(AlertEvent.OK), run(71, false).state());
    assertEquals(List.of("[ALARM] " + target + " CONNECT_REFUSED", "[OK] " + target), subjects());
  }

  @Test
  void aSilenceSetByOneProcessIsListedByTheNext() {
    List<String> all = List.of(target, "other-" + target);
    Map<String, Silence> answer =
        coldStart(table())
            .silence(
                List.of(target),
                new Silence(Instant.now().plus(Duration.ofMinutes(30)), "window"),
                all,
                soon());
    assertEquals(List.of(target), List.copyOf(answer.keySet()));
    assertEquals(answer, coldStart(table()).silences(all, soon()), "a cold start still has it");
    assertEquals(1, lines("silence started"), log());

    assertEquals(Map.of(), coldStart(table()).unsilence(List.of(target), all, soon()));
    assertEquals(Map.of(), coldStart(table()).silences(all, soon()));
    assertEquals(1, lines("silence ended"), log());
  }

  @Test
  void overlappingRunsAndSilenceRequestsNeverLoseASilenceNorClobberAlertState() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<?> runs =
          pool.submit(() -> {
            for (int minute = 0; minute < 8; minute++) {
              Runs.alert(
                  coldStart(table()),
                  report(T0.plus(Duration.ofMinutes(minute)), failed(target, Reason.NXDOMAIN)),
                  soon());
            }
          });
      List<Future<Map<String, Silence>>> requests = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        String reason = "request " + i;
        requests.add(
            pool.submit(() -> {
              Map<String, Silence> last = Map.of();
              for (int n = 0; n < 4; n++) {
                last =
                    coldStart(table())
                        .silence(
                            List.of(target),
                            new Silence(Instant.now().plus(Duration.ofHours(1)), reason),
                            List.of(target),
                            soon());
              }
              return last;
            }));
      }
      runs.get(60, TimeUnit.SECONDS);
      for (Future<Map<String, Silence>> request : requests) {
        assertTrue(request.get(60, TimeUnit.SECONDS).containsKey(target), "answered in force");
      }
    } finally {
      pool.shutdownNow();
    }
    AlertState state = table().load(List.of(target), T0, soon()).get(target);
    assertEquals(8, state.failures(), "every run's failure counted: " + state);
    Optional<Silence> silence =
        table()
            .loadSilences(List.of(target), Instant.now(), soon())
            .get(target)
            .active(Instant.now());
    assertTrue(silence.isPresent(), "the silence survived the alert writes");
    assertEquals(8, lines("silence started"), "every request wrote its silence: " + log());
  }

  @Test
  void aRunEndingASilenceLosesToANewSilenceSetMeanwhile() {
    silenceUntil(1, "short");
    StateStore racing =
        new ForwardingStateStore(table()) {
          @Override
          public Map<String, StoredSilence> loadSilences(
              Collection<String> targets, Instant now, Deadline deadline) {
            Map<String, StoredSilence> read = super.loadSilences(targets, now, deadline);
            // Another request sets a new silence after this run read the ended one.
            StoredSilence stored = read.get(target);
            assertTrue(
                table()
                    .replaceSilence(
                        target,
                        stored.version(),
                        Optional.of(new Silence(T0.plus(Duration.ofMinutes(90)), "longer")),
                        now,
                        deadline));
            return read;
          }
        };
    Runs.alert(
        coldStart(racing),
        report(T0.plus(Duration.ofMinutes(2)), failed(target, Reason.NXDOMAIN)),
        soon());
    assertEquals(0, lines("silence ended"), "the run's clear lost: " + log());
    assertEquals(
        Optional.of(new Silence(T0.plus(Duration.ofMinutes(90)), "longer")),
        table().loadSilences(List.of(target), T0, soon()).get(target).silence());
    assertFalse(log().contains("\"level\":\"ERROR\""), log());
  }
}
