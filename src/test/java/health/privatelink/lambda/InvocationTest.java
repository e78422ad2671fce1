package health.privatelink.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.BadInputException;
import health.privatelink.Json;
import health.privatelink.config.TargetsParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the scheduled run keeps of its event: the id and time the log line carries. */
class InvocationTest {
  private static final TargetsParser PARSER = new TargetsParser(List.of(), Duration.ofSeconds(5));

  private static Invocation.Scheduled scheduled(String event) {
    return (Invocation.Scheduled) Invocation.from(Json.parse(event, "the event"), PARSER);
  }

  @Test
  void theScheduledEventsIdAndTimeAreKept() throws Exception {
    Invocation.Scheduled s = scheduled(Files.readString(Path.of("events", "scheduled.json")));
    assertEquals("53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", s.event().getId());
    assertEquals(
        java.time.Instant.parse("2025-01-15T12:00:00Z").toEpochMilli(),
        s.event().getTime().getMillis());
    assertNull(s.event().getSource(), "nothing reads the rest of the event");
    assertNull(s.event().getResources(), "nothing reads the rest of the event");
  }

  @Test
  void anEventWithoutThemOrWithAGarbledTimeIsStillTheScheduledRun() {
    Invocation.Scheduled empty = scheduled("{}");
    assertNull(empty.event().getId());
    assertNull(empty.event().getTime());
    Invocation.Scheduled garbled = scheduled("{\"id\": 7, \"time\": \"yesterday\"}");
    assertNull(garbled.event().getId());
    assertNull(garbled.event().getTime());
  }

  @Test
  void theTestAlertEventIsATestAlertAndNothingElse() throws Exception {
    Object event = Json.parse(Files.readString(Path.of("events", "test-alert.json")), "the event");
    assertInstanceOf(Invocation.AlertTest.class, Invocation.from(event, PARSER));
    // The key alone makes it a manual invocation: a wrong value is an error, not a scheduled run.
    for (String bad :
        List.of("{\"testAlert\": false}", "{\"testAlert\": null}", "{\"testAlert\": 1}")) {
      BadInputException e =
          assertThrows(
              BadInputException.class, () -> Invocation.from(Json.parse(bad, "the event"), PARSER));
      assertTrue(e.getMessage().startsWith("the event's testAlert must be true, got "), bad);
    }
  }
}
