package health.privatelink.lambda;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import health.privatelink.BadInputException;
import health.privatelink.Json;
import health.privatelink.config.Target;
import health.privatelink.config.TargetsParser;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.joda.time.DateTime;

/** What an invocation asks for: the scheduled check of the configured targets, or a manual one. */
public sealed interface Invocation {

  /**
   * The EventBridge schedule (or any event without {@code targets}): the configured targets. Of the
   * event only its {@code id} and {@code time} are kept, for the log line that ties the run to the
   * schedule's firing; either is null when the event does not carry it.
   */
  record Scheduled(ScheduledEvent event) implements Invocation {}

  /**
   * A manual invocation, {@code {"targets": [...], "publish": false}}: other targets, checked once.
   * It sends metrics and alerts only when {@code publish} is true, so a one-off check from the
   * console cannot page anyone or touch the alert state of the scheduled targets.
   */
  record Manual(List<Target> targets, boolean publish) implements Invocation {}

  /** Keys a manual invocation may carry. */
  Set<String> MANUAL_KEYS = Set.of("targets", "publish");

  /**
   * Reads a parsed event.
   *
   * @throws BadInputException naming the field when a manual invocation is malformed, its targets
   *     included
   */
  static Invocation from(Object event, TargetsParser parser) {
    if (event == null) {
      return new Scheduled(new ScheduledEvent());
    }
    if (!(event instanceof Map<?, ?> object)) {
      throw new BadInputException(
          "the event must be a JSON object (a scheduled event, or {\"targets\": [...]}), got "
              + Json.describe(event));
    }
    if (!object.containsKey("targets")) {
      return new Scheduled(scheduled(object));
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
