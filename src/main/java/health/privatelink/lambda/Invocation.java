package health.privatelink.lambda;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import health.privatelink.BadInputException;
import health.privatelink.Json;
import health.privatelink.config.Target;
import health.privatelink.config.TargetsParser;
import health.privatelink.run.SilenceRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.joda.time.DateTime;

/**
 * What an invocation asks for: the scheduled check of the configured targets, a manual check of
 * other targets, a test alert, or a request about silences.
 */
public sealed interface Invocation {

  /**
   * The EventBridge schedule (or any event without {@code targets} or {@code testAlert}): the
   * configured targets. Of the event only its {@code id} and {@code time} are kept, for the log
   * line that ties the run to the schedule's firing; either is null when the event does not carry
   * it.
   */
  record Scheduled(ScheduledEvent event) implements Invocation {}

  /**
   * A manual invocation, {@code {"targets": [...], "publish": false}}: other targets, checked once.
   * It sends metrics and alerts only when {@code publish} is true, so a one-off check from the
   * console cannot page anyone or touch the alert state of the scheduled targets.
   */
  record Manual(List<Target> targets, boolean publish) implements Invocation {}

  /**
   * A test alert, {@code {"testAlert": true}}: one {@code [TEST]} message through the alerts'
   * delivery, proving the path to on-call; nothing is checked and no alert state touched.
   */
  record AlertTest() implements Invocation {}

  /**
   * A silence request, {@code {"silence": {...}}}: silence targets, list the silences, or end some.
   * It is not a check run: nothing is checked and the next run's cold start is unchanged.
   */
  record Silence(SilenceRequest request) implements Invocation {}

  /** Keys a manual invocation may carry. */
  Set<String> MANUAL_KEYS = Set.of("targets", "publish");

  /** The keys that make an event a manual invocation, one kind each. */
  List<String> KINDS = List.of("targets", "testAlert", "silence");

  /**
   * Reads a parsed event.
   *
   * @throws BadInputException naming the field when a manual invocation is malformed, its targets
   *     included
   */
  static Invocation from(Object event, TargetsParser parser) {
    // Only an object can be a manual invocation; anything else (no event, null, an array, a
    // string, a number) is the scheduled run, as the contract has it.
    if (!(event instanceof Map<?, ?> object)) {
      return new Scheduled(new ScheduledEvent());
    }
    List<String> kinds = KINDS.stream().filter(object::containsKey).toList();
    if (kinds.isEmpty()) {
      return new Scheduled(scheduled(object));
    }
    if (kinds.size() > 1) {
      throw new BadInputException(
          "the event has both "
              + String.join(" and ", kinds.stream().map(Json::quote).toList())
              + "; a manual invocation is one of {\"targets\": [...]}, {\"testAlert\": true}"
              + " or {\"silence\": {...}}");
    }
    if (kinds.getFirst().equals("testAlert")) {
      return alertTest(object);
    }
    if (kinds.getFirst().equals("silence")) {
      for (Object key : object.keySet()) {
        if (!key.equals("silence")) {
          throw new BadInputException(
              "the event has unknown key "
                  + Json.quote(String.valueOf(key))
                  + "; a silence request allows only: silence");
        }
      }
      return new Silence(SilenceRequest.from(object.get("silence")));
    }
    for (Object key : object.keySet()) {
      if (!MANUAL_KEYS.contains(key)) {
        throw new BadInputException(
            "the event has unknown key "
                + Json.quote(String.valueOf(key))
                + "; a manual invocation allows: targets, publish");
      }
    }
    Object publish = object.containsKey("publish") ? object.get("publish") : Boolean.FALSE;
    if (!(publish instanceof Boolean flag)) {
      throw new BadInputException(
          "the event's publish must be true or false, got " + Json.describe(publish));
    }
    return new Manual(parser.parse(object.get("targets"), "targets"), flag);
  }

  private static AlertTest alertTest(Map<?, ?> object) {
    for (Object key : object.keySet()) {
      if (!key.equals("testAlert")) {
        throw new BadInputException(
            "the event has unknown key "
                + Json.quote(String.valueOf(key))
                + "; a test alert allows only: testAlert");
      }
    }
    Object value = object.get("testAlert");
    if (!Boolean.TRUE.equals(value)) {
      throw new BadInputException(
          "the event's testAlert must be true, got " + Json.describe(value));
    }
    return new AlertTest();
  }

  private static ScheduledEvent scheduled(Map<?, ?> object) {
    ScheduledEvent event = new ScheduledEvent();
    event.setId(text(object.get("id")));
    String time = text(object.get("time"));
    if (time != null) {
      try {
        event.setTime(DateTime.parse(time));
      } catch (IllegalArgumentException unreadable) {
        // Any event without targets is the scheduled run; a time it garbles is only not logged.
      }
    }
    return event;
  }

  private static String text(Object value) {
    return value instanceof String s ? s : null;
  }
}
