package health.privatelink.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AlertRulesTest {

  /** after failures, reminder minutes, runs, the events they must produce. */
  static Stream<Arguments> sequences() {
    return Stream.of(
        Arguments.of(2, 60, "F F F P P", "- ALARM - OK -"),
        Arguments.of(2, 60, "F P F P", "- - - -"),
        Arguments.of(3, 60, "F F P F F P", "- - - - - -"),
        Arguments.of(1, 60, "F P", "ALARM OK"),
        Arguments.of(2, 60, "P P P", "- - -"),
        Arguments.of(2, 60, "F F P F F", "- ALARM OK - ALARM"),
        Arguments.of(3, 60, "F F F P F P", "- - ALARM OK - -"),
        Arguments.of(1, 60, "F@0 F@59 F@60 F@61 F@120 F@121", "ALARM - REMINDER - REMINDER -"),
        Arguments.of(2, 60, "F@0 F@1 F@60 F@61 F@62", "- ALARM - REMINDER -"),
        Arguments.of(1, 60, "F@0 F@59.4", "ALARM -"),
        Arguments.of(1, 60, "F@0 F@59.5", "ALARM REMINDER"),
        Arguments.of(1, 0, "F@0 F@60 F@600 F@6000 P", "ALARM - - - OK"),
        Arguments.of(
            1, 5, "F@0 F@3 F@5 F@9 F@10 P@11 F@12", "ALARM - REMINDER - REMINDER OK ALARM"),
        Arguments.of(2, 60, "F F F:TLS_ERROR F:CONNECT_TIMEOUT P", "- ALARM - - OK"),
        Arguments.of(2, 60, "F F P P P F", "- ALARM OK - - -"));
  }

  @ParameterizedTest(name = "after {0}, remind {1} min: {2} -> {3}")
  @MethodSource("sequences")
  void sequenceProducesExactlyTheseEvents(
      int after, int reminderMinutes, String runs, String expected) {
    AlertRules rules = new AlertRules(after, Duration.ofMinutes(reminderMinutes));
    AlertState state = AlertState.INITIAL;
    List<Optional<AlertEvent>> events = new ArrayList<>();
    for (Runs.Run run : Runs.parse(runs).runs()) {
      Transition step = rules.next(state, run.failure(), false, run.at());
      assertEquals(state.version() + 1, step.next().version(), "version bumps by one");
      events.add(step.event());
      state = step.next();
    }
    assertEquals(Runs.events(expected), events);
  }

  @Test
  void streakRemembersWhenItStartedAndTheLastReason() {
    AlertRules rules = new AlertRules(2, Duration.ofMinutes(60));
    Runs runs = Runs.parse("F:DNS_TIMEOUT F:TLS_ERROR");
    Transition first =
        rules.next(
            AlertState.INITIAL, runs.runs().get(0).failure(), false, runs.runs().get(0).at());
    Transition second =
        rules.next(first.next(), runs.runs().get(1).failure(), false, runs.runs().get(1).at());

    assertEquals(Optional.of(Runs.START), second.next().failingSince());
    assertEquals(2, second.next().failures());
    assertEquals(Optional.of(Reason.TLS_ERROR), second.next().reason());
    assertTrue(second.next().open());
    assertEquals(Optional.of(runs.runs().get(1).at()), second.next().notifiedAt());
  }

  @Test
  void recoveryClearsTheStreakButKeepsTheReasonForTheOkMessage() {
    AlertRules rules = new AlertRules(1, Duration.ofMinutes(60));
    Runs runs = Runs.parse("F:HTTP_STATUS P");
    Transition alarm =
        rules.next(
            AlertState.INITIAL, runs.runs().get(0).failure(), false, runs.runs().get(0).at());
    Transition ok = rules.next(alarm.next(), Optional.empty(), false, runs.runs().get(1).at());

    assertEquals(Optional.of(AlertEvent.OK), ok.event());
    assertEquals(0, ok.next().failures());
    assertFalse(ok.next().open());
    assertEquals(Optional.empty(), ok.next().failingSince());
    assertEquals(Optional.of(Reason.HTTP_STATUS), ok.next().reason());
  }

  @Test
  void undeliveredPutsThePriorStateBackUnderANewerVersion() {
    AlertRules rules = new AlertRules(1, Duration.ofMinutes(60));
    Transition alarm =
        rules.next(AlertState.INITIAL, Optional.of(Reason.NXDOMAIN), false, Runs.START);
    AlertState back = alarm.undelivered();

    assertTrue(back.sameAs(AlertState.INITIAL));
    assertEquals(2, back.version());
    // and the next run decides again
    assertEquals(
        Optional.of(AlertEvent.ALARM),
        rules.next(back, Optional.of(Reason.NXDOMAIN), false, Runs.START.plusSeconds(60)).event());
  }

  @Test
  void healthyStaysHealthyWithoutAChange() {
    Transition step =
        new AlertRules(2, Duration.ofMinutes(60))
            .next(AlertState.INITIAL, Optional.empty(), false, Runs.START);
    assertFalse(step.changed());
    assertEquals(Optional.empty(), step.event());
  }

  @Test
  void rejectsRulesTheConfigurationCannotProduce() {
    assertThrows(IllegalArgumentException.class, () -> new AlertRules(0, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new AlertRules(1, Duration.ofMinutes(-1)));
  }
}
