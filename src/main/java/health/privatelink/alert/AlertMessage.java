package health.privatelink.alert;

import com.fasterxml.jackson.core.JsonGenerator;
import health.privatelink.Failure;
import health.privatelink.Json;
import health.privatelink.Reason;
import health.privatelink.check.EndpointResult;
import health.privatelink.check.TargetResult;
import health.privatelink.check.Timings;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one message of a run: every target whose alert opened, repeated or recovered.
 *
 * @param state the most severe event in the message (ALARM, then REMINDER, then OK): the {@code
 *     state} attribute
 * @param subject one line of printable ASCII, at most {@link #MAX_SUBJECT} characters
 * @param body plain text for e-mail, one section per target
 * @param targets the targets in the message, most severe first
 * @param reasons the distinct failure reasons of those targets, sorted (for OK: the reason it
 *     recovered from)
 */
public record AlertMessage(
    AlertEvent state, String subject, String body, List<String> targets, List<String> reasons) {

  /** SNS allows subjects under 100 characters. */
  public static final int MAX_SUBJECT = 99;

  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  public AlertMessage {
    targets = List.copyOf(targets);
    reasons = List.copyOf(reasons);
  }

  /**
   * The message attributes for subscription filters: {@code state} (String), {@code reasons} and
   * {@code targets} (String.Array, JSON arrays). SNS rejects empty values, so an empty list is left
   * out (a test message names no targets).
   */
  public Map<String, Attribute> attributes() {
    Map<String, Attribute> attributes = new LinkedHashMap<>();
    attributes.put("state", new Attribute("String", state.name()));
    if (!reasons.isEmpty()) {
      attributes.put("reasons", new Attribute("String.Array", jsonArray(reasons)));
    }
    if (!targets.isEmpty()) {
      attributes.put("targets", new Attribute("String.Array", jsonArray(targets)));
    }
    return attributes;
  }

  /** One SNS message attribute: its data type and its value as SNS carries it. */
  public record Attribute(String dataType, String value) {}

  /** The fields every delivery's log line about this message starts with. */
  Map<String, Object> logFields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("state", state.name());
    fields.put("targets", targets);
    fields.put("reasons", reasons);
    fields.put("subject", subject);
    return fields;
  }

  private static String jsonArray(List<String> values) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = Json.factory().createGenerator(text)) {
      json.writeStartArray();
      for (String value : values) {
        json.writeString(value);
      }
      json.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /**
   * Renders the notices of one run.
   *
   * @param notices at least one
   * @param now the run's start
   */
  public static AlertMessage of(List<Notice> notices, Instant now) {
    if (notices.isEmpty()) {
      throw new IllegalArgumentException("an alert message needs at least one notice");
    }
    List<Notice> ordered =
        notices.stream()
            .sorted(Comparator.comparing(Notice::event)) // stable: configuration order within
            .toList();
    AlertEvent state =
        ordered.stream().map(Notice::event).reduce(AlertEvent::mostSevere).orElseThrow();
    List<String> reasons =
        ordered.stream()
            .flatMap(n -> n.reason().stream())
            .map(Reason::name)
            .distinct()
            .sorted()
            .toList();
    return new AlertMessage(
        state,
        subject(ordered),
        body(ordered, now),
        ordered.stream().map(Notice::name).toList(),
        reasons);
  }

  /**
   * The test message of {@code {"testAlert": true}} and {@code --test-alert}: state TEST, no
   * targets, a subject starting {@code [TEST]} that names where it was sent from.
   *
   * @param origin where it was sent from: the function's name and region, or the host name
   * @param now when it was sent
   */
  public static AlertMessage test(String origin, Instant now) {
    // The origin first, so that a long function name cuts only the tail.
    String subject = ascii("[TEST] " + origin + ": privatelink-health alert path test");
    if (subject.length() > MAX_SUBJECT) {
      subject = subject.substring(0, MAX_SUBJECT - 3) + "...";
    }
    String body =
        "Test message from privatelink-health, sent from "
            + line(origin)
            + " at "
            + UTC.format(now)
            + ".\n\n"
            + "It proves the alert path end to end: the topic, its access policy and KMS key, and"
            + " your subscription. Nothing was checked, and no alert state was changed.\n";
    return new AlertMessage(AlertEvent.TEST, subject, body, List.of(), List.of());
  }

  static String subject(List<Notice> ordered) {
    List<String> pieces = new ArrayList<>();
    AlertEvent group = null;
    for (Notice notice : ordered) {
      StringBuilder piece = new StringBuilder();
      if (notice.event() != group) {
        piece.append(group == null ? "" : " ").append('[').append(notice.event()).append("] ");
        group = notice.event();
      } else {
        piece.append(", ");
      }
      piece.append(ascii(notice.name()));
      switch (notice.event()) {
        case ALARM, REMINDER -> notice.reason().ifPresent(r -> piece.append(' ').append(r));
        case OK -> {}
        case TEST -> throw new IllegalArgumentException("a test message has no target notices");
      }
      pieces.add(piece.toString());
    }
    StringBuilder subject = new StringBuilder();
    int taken = 0;
    for (String piece : pieces) {
      int left = pieces.size() - taken - 1;
      if (subject.length() + piece.length() + more(left).length() > MAX_SUBJECT) {
        break;
      }
      subject.append(piece);
      taken++;
    }
    if (taken == 0) {
      // A single piece too long to fit: cut it rather than send no name at all.
      String suffix = more(pieces.size() - 1);
      String first = pieces.get(0);
      subject.append(first, 0, MAX_SUBJECT - suffix.length() - 3).append("...");
      taken = 1;
    }
    return subject.append(more(pieces.size() - taken)).toString();
  }

  private static String more(int count) {
    return count == 0 ? "" : " +" + count + " more";
  }

  private static String body(List<Notice> ordered, Instant now) {
    StringBuilder body = new StringBuilder();
    Map<AlertEvent, List<String>> byEvent = new LinkedHashMap<>();
    for (Notice notice : ordered) {
      byEvent.computeIfAbsent(notice.event(), e -> new ArrayList<>()).add(line(notice.name()));
    }
    for (Map.Entry<AlertEvent, List<String>> group : byEvent.entrySet()) {
      String heading =
          switch (group.getKey()) {
            case ALARM -> "Alert opened";
            case REMINDER -> "Still failing";
            case OK -> "Recovered";
            case TEST -> throw new IllegalArgumentException("a test message has no target notices");
          };
      body.append(heading).append(": ").append(String.join(", ", group.getValue())).append('\n');
    }
    body.append("Checked from inside the VPC by privatelink-health at ")
        .append(UTC.format(now))
        .append(".\n");
    for (Notice notice : ordered) {
      body.append('\n');
      section(body, notice, now);
    }
    return body.toString();
  }

  private static void section(StringBuilder out, Notice notice, Instant now) {
    TargetResult result = notice.result();
    out.append("[").append(notice.event()).append("] ").append(line(notice.name())).append('\n');
    field(out, "URL", result.target().displayUrl());
    String streak =
        notice.failedRuns() == 1 ? "1 failed run" : notice.failedRuns() + " failed runs";
    String since = "since " + UTC.format(notice.failingSince());
    Duration failing = Duration.between(notice.failingSince(), now);
    String reasonName = notice.reason().map(Reason::name).orElse("unknown");
    switch (notice.event()) {
      case ALARM ->
          field(
              out, "State", "ALARM: failing for " + human(failing) + ", " + since + ", " + streak);
      case REMINDER ->
          field(
              out,
              "State",
              "REMINDER: still failing for " + human(failing) + ", " + since + ", " + streak);
      case OK ->
          field(
              out,
              "State",
              "OK: recovered after failing for "
                  + human(failing)
                  + " ("
                  + streak
                  + " "
                  + since
                  + ", last reason "
                  + reasonName
                  + ")");
      case TEST -> throw new IllegalArgumentException("a test message has no target notices");
    }
    Optional<Failure> failure = result.failure();
    field(out, "Reason", failure.map(f -> f.reason().name()).orElse("none, the check passed"));
    failure.ifPresent(f -> field(out, "Detail", line(f.detail())));
    field(
        out,
        "Addresses",
        result.addresses().isEmpty()
            ? "none"
            : result.addresses().stream()
                .map(InetAddress::getHostAddress)
                .collect(Collectors.joining(", ")));
    if (result.endpoints().size() > 1) {
      perAddress(out, result);
    }
    result.status().ifPresent(s -> field(out, "HTTP status", Integer.toString(s)));
    field(out, "Timings", timings(result.timings()));
    result
        .certificateDaysRemaining()
        .ifPresent(d -> field(out, "Certificate", d + " days until it expires"));
    failure.ifPresent(f -> field(out, "Hint", f.reason().hint()));
    result.diagnosis().ifPresent(d -> field(out, "Diagnosis", line(d)));
  }

  /**
   * Every address with its own result, so that on-call sees at once whether one zone is broken or
   * the whole service.
   */
  private static void perAddress(StringBuilder out, TargetResult result) {
    List<EndpointResult> endpoints = result.endpoints();
    long failed = endpoints.stream().filter(e -> !e.healthy()).count();
    field(out, "Per address", failed + " of " + endpoints.size() + " addresses failed");
    for (EndpointResult e : endpoints) {
      out.append("    ")
          .append(e.address().getHostAddress())
          .append(e.zone().map(z -> " (" + line(z) + ")").orElse(""))
          .append(": ")
          .append(e.failure().map(f -> f.reason().name() + ", " + line(f.detail())).orElse("OK"))
          .append('\n');
    }
    int unchecked = result.addresses().size() - endpoints.size();
    if (unchecked > 0) {
      out.append("    ").append(unchecked).append(" more not checked\n");
    }
  }

  private static void field(StringBuilder out, String name, String value) {
    out.append("  ").append(name).append(": ").append(value).append('\n');
  }

  private static String timings(Timings t) {
    return "dns "
        + ms(t.dns())
        + ", connect "
        + ms(t.connect())
        + ", tls "
        + ms(t.tls())
        + ", first byte "
        + ms(t.timeToFirstByte())
        + ", total "
        + ms(Optional.of(t.total()));
  }

  private static String ms(Optional<Duration> phase) {
    return phase.map(d -> Timings.millis(d) + " ms").orElse("-");
  }

  /** A duration as on-call reads it: {@code 45 s}, {@code 12 min}, {@code 3 h 5 min}. */
  static String human(Duration d) {
    long seconds = Math.max(0, d.toSeconds());
    if (seconds < 60) {
      return seconds + " s";
    }
    long minutes = seconds / 60;
    if (minutes < 60) {
      return minutes + " min";
    }
    long hours = minutes / 60;
    if (hours < 48) {
      return minutes % 60 == 0 ? hours + " h" : hours + " h " + minutes % 60 + " min";
    }
    return hours % 24 == 0 ? hours / 24 + " d" : hours / 24 + " d " + hours % 24 + " h";
  }

  /** Printable ASCII on one line: what a subject may carry. */
  static String ascii(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(c -> {
          if (c >= 0x20 && c < 0x7f) {
            out.append((char) c);
          } else if (Character.isWhitespace(c) || Character.isISOControl(c)) {
            out.append(' ');
          } else {
            out.append('?');
          }
        });
    return out.toString().replaceAll(" {2,}", " ").strip();
  }

  /** One line without control characters, for a body field. */
  static String line(String text) {
    return text.replaceAll("[\\p{Cntrl}\\u0085\\u2028\\u2029]+", " ").strip();
  }
}
