package health.privatelink.lambda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.BadInputException;
import health.privatelink.Json;
import health.privatelink.config.Cidr;
import health.privatelink.config.TargetsParser;
import health.privatelink.testing.JsonArbitraries;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Bad input, generated, where a manual invocation enters: whatever the event holds, it is read as a
 * scheduled or manual invocation, or refused with a {@link BadInputException} naming the event or
 * its targets, whose one-line message the handler answers with.
 */
class InvocationPropertiesTest {
  private static final TargetsParser PARSER =
      new TargetsParser(List.of(Cidr.parse("10.0.0.0/8")), Duration.ofSeconds(5));

  @Property(tries = 2000)
  void anyEventBytesAreReadOrRefusedNamingTheEvent(@ForAll byte[] bytes) {
    readOrRefuse(new String(bytes, StandardCharsets.UTF_8));
  }

  @Property(tries = 2000)
  void anyEventTextIsReadOrRefusedNamingTheEvent(@ForAll("texts") String text) {
    readOrRefuse(text);
  }

  @Property(tries = 3000)
  void anyEventShapeIsReadOrRefusedNamingTheEvent(@ForAll("events") String event) {
    readOrRefuse(event);
  }

  @Property(tries = 2000)
  void nearValidManualEventsAreReadOrRefusedNamingTheEvent(@ForAll("nearValid") String event) {
    readOrRefuse(event);
  }

  private static void readOrRefuse(String text) {
    try {
      Invocation invocation = Invocation.from(Json.parse(text, "the event"), PARSER);
      if (invocation instanceof Invocation.Manual manual) {
        assertFalse(manual.targets().isEmpty(), "a manual invocation checks something");
      }
    } catch (BadInputException e) {
      String message = e.getMessage();
      assertTrue(message != null && !message.isBlank(), "blank message");
      assertTrue(
          message.startsWith("the event") || message.startsWith("targets"),
          () -> "the message must name the event or its targets: " + message);
      assertFalse(message.contains("\n"), "one line: " + message);
    }
  }

  @Provide
  Arbitrary<String> texts() {
    return JsonArbitraries.texts();
  }

  /** Objects with or without {@code targets} and {@code publish}, each of any type. */
  @Provide
  Arbitrary<String> events() {
    Arbitrary<Object> targets =
        Arbitraries.oneOf(
            JsonArbitraries.targetObjects().list().ofMaxSize(3).map(l -> (Object) l),
            JsonArbitraries.jsonValues(2));
    Arbitrary<Object> publish =
        Arbitraries.oneOf(
            Arbitraries.of(Boolean.TRUE, Boolean.FALSE).map(b -> (Object) b),
            JsonArbitraries.jsonValues(1));
    Arbitrary<Map<String, Object>> scheduledFields =
        Arbitraries.maps(
                Arbitraries.of("id", "source", "detail-type", "resources", "time", "detail"),
                JsonArbitraries.jsonValues(2))
            .ofMaxSize(4);
    return Combinators.combine(
            targets, publish, scheduledFields, Arbitraries.integers().between(0, 7))
        .as((t, p, fields, shape) -> {
          Map<String, Object> event = new LinkedHashMap<>(fields);
          if ((shape & 1) != 0) {
            event.put("targets", t);
          }
          if ((shape & 2) != 0) {
            event.put("publish", p);
          }
          Object whole = (shape & 4) != 0 && shape == 7 ? List.of(event) : event;
          return JsonArbitraries.render(whole);
        });
  }

  /** A valid manual event after one or two edits of its text. */
  @Provide
  Arbitrary<String> nearValid() {
    String valid =
        "{\"targets\": [{\"name\": \"x\", \"url\": \"https://x.example/health\","
            + " \"timeoutMs\": 2000}], \"publish\": false}";
    return Combinators.combine(JsonArbitraries.mutations(), JsonArbitraries.mutations())
        .as((first, second) -> second.apply(first.apply(valid)));
  }
}
