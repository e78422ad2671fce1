package health.privatelink.run;

import health.privatelink.BadInputException;
import health.privatelink.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A request about silences, as the manual invocation {@code {"silence": {...}}} or the command line
 * makes it: silence targets for a while, list the silences in force, or end some. Every error names
 * the field.
 */
public sealed interface SilenceRequest {

  /** The longest silence: 7 days. A longer one would outlive the maintenance it is for. */
  int MAX_MINUTES = 7 * 24 * 60;

  /** The longest reason, in characters. */
  int MAX_REASON = 200;

  /** The keys {@code silence} may carry. */
  Set<String> KEYS = Set.of("targets", "minutes", "reason", "list", "clear");

  /** {@code {"targets": [...], "minutes": N, "reason": "..."}}: silence until now + minutes. */
  record Start(List<String> targets, int minutes, String reason) implements SilenceRequest {
    public Start {
      targets = List.copyOf(targets);
      if (targets.isEmpty()) {
        throw new BadInputException("silence.targets must name at least one target");
      }
      if (minutes < 1 || minutes > MAX_MINUTES) {
        throw new BadInputException(
            "silence.minutes must be 1.." + MAX_MINUTES + " (7 days at most), got " + minutes);
      }
      SilenceRequest.requireReason(reason);
    }
  }

  /** {@code {"list": true}}: the silences in force. */
  record Active() implements SilenceRequest {}

  /** {@code {"clear": [...]}}: end the silences of these targets. */
  record Clear(List<String> targets) implements SilenceRequest {
    public Clear {
      targets = List.copyOf(targets);
      if (targets.isEmpty()) {
        throw new BadInputException("silence.clear must name at least one target");
      }
    }
  }

  /** What it asks for, for the log: {@code silence}, {@code list} or {@code clear}. */
  default String kind() {
    return switch (this) {
      case Start start -> "silence";
      case Active active -> "list";
      case Clear clear -> "clear";
    };
  }

  /** The targets the request names: none for a list. */
  default List<String> targets() {
    return switch (this) {
      case Start start -> start.targets();
      case Active active -> List.of();
      case Clear clear -> clear.targets();
    };
  }

  /**
   * Requires every target the request names to be configured: a silence of a name no run checks
   * would hold nothing.
   *
   * @throws BadInputException naming the field and the target
   */
  default void requireConfigured(List<String> configured) {
    String field = this instanceof Clear ? "silence.clear" : "silence.targets";
    List<String> named = targets();
    for (int i = 0; i < named.size(); i++) {
      if (!configured.contains(named.get(i))) {
        throw new BadInputException(
            field
                + "["
                + i
                + "] "
                + Json.quote(named.get(i))
                + " is not a configured target; configured: "
                + String.join(", ", configured));
      }
    }
  }

  /**
   * Reads the value of the event's {@code silence} key.
   *
   * @throws BadInputException naming the field
   */
  static SilenceRequest from(Object value) {
    if (!(value instanceof Map<?, ?> object)) {
      throw new BadInputException(
          "silence must be an object with one of targets, list or clear, got "
              + Json.describe(value));
    }
    for (Object key : object.keySet()) {
      if (!KEYS.contains(key)) {
        throw new BadInputException(
            "silence has unknown key "
                + Json.quote(String.valueOf(key))
                + "; allowed: targets, minutes, reason, list, clear");
      }
    }
    List<String> kinds =
        List.of("targets", "list", "clear").stream().filter(object::containsKey).toList();
    if (kinds.size() != 1) {
      throw new BadInputException(
          "silence must have exactly one of targets, list or clear, got "
              + (kinds.isEmpty() ? "none" : String.join(" and ", kinds)));
    }
    String kind = kinds.getFirst();
    if (!kind.equals("targets")) {
      for (String onlyWithTargets : List.of("minutes", "reason")) {
        if (object.containsKey(onlyWithTargets)) {
          throw new BadInputException(
              "silence."
                  + onlyWithTargets
                  + " goes only with silence.targets, not with silence."
                  + kind);
        }
      }
    }
    return switch (kind) {
      case "list" -> {
        if (!Boolean.TRUE.equals(object.get("list"))) {
          throw new BadInputException(
              "silence.list must be true, got " + Json.describe(object.get("list")));
        }
        yield new Active();
      }
      case "clear" -> new Clear(names(object.get("clear"), "silence.clear"));
      default -> {
        List<String> targets = names(object.get("targets"), "silence.targets");
        if (!object.containsKey("minutes")) {
          throw new BadInputException("silence.minutes is required: 1.." + MAX_MINUTES);
        }
        Object minutes = object.get("minutes");
        if (!(minutes instanceof Long whole)) {
          throw new BadInputException(
              "silence.minutes must be a whole number 1.."
                  + MAX_MINUTES
                  + ", got "
                  + Json.describe(minutes));
        }
        if (!object.containsKey("reason")) {
          throw new BadInputException(
              "silence.reason is required: 1.." + MAX_REASON + " characters");
        }
        Object reason = object.get("reason");
        if (!(reason instanceof String text)) {
          throw new BadInputException(
              "silence.reason must be text of 1.."
                  + MAX_REASON
                  + " characters, got "
                  + Json.describe(reason));
        }
        int clamped = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, whole));
        yield new Start(targets, clamped, text);
      }
    };
  }

  /**
   * Requires a reason of 1..{@value #MAX_REASON} characters.
   *
   * @throws BadInputException naming the field
   */
  static String requireReason(String reason) {
    if (reason == null || reason.isBlank() || reason.length() > MAX_REASON) {
      throw new BadInputException(
          "silence.reason must be text of 1.."
              + MAX_REASON
              + " characters, got "
              + (reason == null
                  ? "null"
                  : reason.isBlank() ? "blank text" : reason.length() + " characters"));
    }
    return reason;
  }

  private static List<String> names(Object value, String field) {
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      throw new BadInputException(
          field + " must be a non-empty array of target names, got " + Json.describe(value));
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof String name)) {
        throw new BadInputException(
            field + "[" + i + "] must be a target name, got " + Json.describe(list.get(i)));
      }
      names.add(name);
    }
    return names;
  }
}
