package health.privatelink.alert;

import static health.privatelink.testing.TestReports.failed;
import static health.privatelink.testing.TestReports.passed;
import static health.privatelink.testing.TestReports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.privatelink.Deadline;
import health.privatelink.Log;
import health.privatelink.testing.MotoStateTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rule table of {@link AlertRulesTest} run end to end through the alerter, once with state in
 * memory and once in DynamoDB (moto on loopback). With DynamoDB every run uses a new alerter, as if
 * each run were a cold start: the table alone must carry the state.
 */
class AlertSequenceIT {
  static final String TABLE = "privatelink-health-state";
  @RegisterExtension static final MotoStateTable STATE = new MotoStateTable(TABLE);

  enum Store {
    MEMORY,
    DYNAMODB
  }

  static Stream<Arguments> cases() {
    return Stream.of(Store.values())
        .flatMap(store ->
            AlertRulesTest.sequences()
                .map(a -> {
                  Object[] args = a.get();
                  return Arguments.of(store, args[0], args[1], args[2], args[3]);
                }));
  }

  @ParameterizedTest(name = "{0}: after {1}, remind {2} min: {3} -> {4}")
  @MethodSource("cases")
  void sequenceSendsExactlyTheseAlerts(
      Store store, int after, int reminderMinutes, String runs, String expected) {
    AlertRules rules = new AlertRules(after, Duration.ofMinutes(reminderMinutes));
    String target = "t-" + UUID.randomUUID();
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    Log log = new Log(out);
    Supplier<Alerter> alerters =
        switch (store) {
          case MEMORY -> {
            Alerter one = new Alerter(rules, new MemoryStateStore(), new LogDelivery(log), out);
            yield () -> one;
          }
          case DYNAMODB ->
              () ->
                  new Alerter(
                      rules, new DynamoStateStore(STATE::client, TABLE), new LogDelivery(log), out);
        };

    List<Optional<AlertEvent>> events = new ArrayList<>();
    for (Runs.Run run : Runs.parse(runs).runs()) {
      AlertOutcome outcome =
          Runs.alert(
              alerters.get(),
              report(
                  run.at(),
                  run.failure().map(reason -> failed(target, reason)).orElse(passed(target))),
              Deadline.after(Duration.ofSeconds(10)));
      assertEquals(List.of(), outcome.errors());
      events.add(outcome.state());
    }
    assertEquals(Runs.events(expected), events);
  }
}
