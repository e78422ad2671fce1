package health.privatelink.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.BadInputException;
import health.privatelink.Json;
import health.privatelink.testing.JsonArbitraries;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Bad input, generated: arbitrary and near-valid environments and JSON. Whatever comes in, the
 * parser returns a valid configuration or throws its own {@link ConfigException} with a message
 * that starts by naming the input; never anything else.
 */
class ConfigParserPropertiesTest {
  static final List<String> VARIABLES = ConfigParser.VARIABLES;

  /** Valid values of each variable, the seeds that mutations start from. */
  static final Map<String, List<String>> VALID =
      Map.ofEntries(
          Map.entry(
              "TARGETS",
              List.of(
                  ConfigParser.DEFAULT_TARGETS,
                  "[{\"name\": \"a\", \"url\": \"https://a.example.test:8443/h?x=1\","
                      + " \"expectedStatus\": [200, 204], \"timeoutMs\": 2000,"
                      + " \"bodyContains\": \"ok\", \"expectedCidrs\": [\"10.0.0.0/8\"]}]")),
          Map.entry("EXPECTED_CIDRS", List.of("10.0.0.0/8,172.16.0.0/12", "", "fd00::/8")),
          Map.entry("DNS_SERVERS", List.of("10.0.0.2", "10.0.0.2:53,[fd00::2]:5353")),
          Map.entry("DEFAULT_TIMEOUT_MS", List.of("5000", "100", "60000")),
          Map.entry("METRICS_NAMESPACE", List.of("PrivateLinkHealth", "Team/Checks")),
          Map.entry("METRICS_MODE", List.of("api", "EMF", "off")),
          Map.entry(
              "ALERT_TOPIC_ARN", List.of("arn:aws:sns:us-east-1:123456789012:privatelink-alerts")),
          Map.entry("ALERT_AFTER_FAILURES", List.of("1", "2", "1440")),
          Map.entry("ALERT_REMINDER_MINUTES", List.of("0", "60", "10080")),
          Map.entry("STATE_TABLE", List.of("privatelink-health-state")),
          Map.entry("VPC_ENDPOINT_IDS", List.of("vpce-0abc12345def67890")),
          Map.entry("VPC_ID", List.of("vpc-0abc12345def67890")),
          Map.entry("SECURITY_GROUP_IDS", List.of("sg-0abc12345def67890,sg-0abc12345def67891")));

  @Property(tries = 3000)
  void anyEnvironmentParsesOrFailsNamingTheVariable(
      @ForAll("environments") Map<String, String> env) {
    parsesOrFailsClearly(env);
  }

  @Property(tries = 3000)
  void nearValidTargetsParseOrFailNamingTargets(@ForAll("nearValidTargets") String targets) {
    parsesOrFailsClearly(Map.of("TARGETS", targets));
  }

  @Property(tries = 2000)
  void generatedTargetStructuresParseOrFailNamingTargets(@ForAll("targetArrays") String targets) {
    parsesOrFailsClearly(Map.of("TARGETS", targets));
  }

  @Property(tries = 2000)
  void anyTextIsOneJsonValueOrBadInputNamingIt(@ForAll("texts") String text) {
    try {
      Json.parse(text, "TARGETS");
    } catch (BadInputException e) {
      assertNamesInput(e, Set.of("TARGETS"));
    }
  }

  @Property(tries = 1000)
  void anyBytesAreOneJsonValueOrBadInputNamingIt(@ForAll byte[] bytes) throws Exception {
    try {
      Json.parse(new java.io.ByteArrayInputStream(bytes), "the event");
    } catch (BadInputException e) {
      assertNamesInput(e, Set.of("the event"));
    }
  }

  /** What a parsed target holds is usable as it is: nothing fails later, at check time. */
  @Property(tries = 2000)
  void anAcceptedUrlHasAPortAndARequestTargetTheProberCanUse(@ForAll("urls") String url) {
    String json = "[{\"name\": \"t\", \"url\": " + JsonArbitraries.jsonString(url) + "}]";
    Config config;
    try {
      config = ConfigParser.parse(Map.of("TARGETS", json));
    } catch (ConfigException e) {
      assertNamesInput(e, Set.of("TARGETS"));
      return;
    }
    Target target = config.targets().getFirst();
    assertTrue(target.port() >= 1 && target.port() <= 65535, url + " gave port " + target.port());
    assertFalse(target.host().isEmpty(), url);
    assertTrue(target.requestTarget().startsWith("/"), target.requestTarget());
    assertTrue(
        target.requestTarget().chars().allMatch(c -> c > 0x20 && c < 0x7f),
        "request target must be printable ASCII: " + target.requestTarget());
  }

  /** Percent-escapes in the path and query reach the server as they were written. */
  @Property(tries = 1000)
  void theRawPathAndQueryAreKept(@ForAll("escapedPaths") String pathAndQuery) {
    String url = "https://a.example.test" + pathAndQuery;
    Target target =
        ConfigParser.parse(Map.of("TARGETS", "[{\"name\": \"t\", \"url\": \"" + url + "\"}]"))
            .targets()
            .getFirst();
    assertTrue(target.requestTarget().equals(pathAndQuery), target.requestTarget());
  }

  static void parsesOrFailsClearly(Map<String, String> env) {
    try {
      Config config = ConfigParser.parse(env);
      assertFalse(config.targets().isEmpty());
      for (Target t : config.targets()) {
        assertTrue(t.port() >= 1 && t.port() <= 65535, t.url().toString());
        assertTrue(
            t.timeout().compareTo(Duration.ofMillis(100)) >= 0
                && t.timeout().compareTo(Duration.ofMillis(60_000)) <= 0);
      }
    } catch (ConfigException e) {
      assertNamesInput(e, Set.copyOf(VARIABLES));
    }
  }

  static void assertNamesInput(RuntimeException e, Set<String> inputs) {
    String message = e.getMessage();
    assertTrue(message != null && !message.isBlank(), "blank message");
    assertTrue(
        inputs.stream().anyMatch(message::startsWith),
        () -> "the message must start with the input's name, one of " + inputs + ": " + message);
    assertFalse(message.contains("\n"), "one line: " + message);
  }

  // ---- generators ----

  @Provide
  Arbitrary<Map<String, String>> environments() {
    Arbitrary<String> name =
        Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.of(VARIABLES)),
            Tuple.of(1, Arbitraries.strings().ofMaxLength(12)));
    Arbitrary<String> value = Arbitraries.oneOf(JsonArbitraries.texts(), mutatedValues());
    return Arbitraries.maps(name, value).ofMaxSize(6);
  }

  /** A valid value of one variable with one mutation: what a typo or a bad paste makes. */
  Arbitrary<String> mutatedValues() {
    return Combinators.combine(
            Arbitraries.of(VALID.values().stream().flatMap(List::stream).toList()),
            JsonArbitraries.mutations())
        .as((valid, mutation) -> mutation.apply(valid));
  }

  @Provide
  Arbitrary<String> nearValidTargets() {
    return Combinators.combine(
            Arbitraries.of(VALID.get("TARGETS")),
            JsonArbitraries.mutations(),
            JsonArbitraries.mutations())
        .as((valid, first, second) -> second.apply(first.apply(valid)));
  }

  @Provide
  Arbitrary<String> texts() {
    return JsonArbitraries.texts();
  }

  @Provide
  Arbitrary<String> urls() {
    return JsonArbitraries.urls();
  }

  @Provide
  Arbitrary<String> targetArrays() {
    // Mostly target objects, now and then a value of another type among them.
    Arbitrary<Object> element =
        Arbitraries.frequencyOf(
            Tuple.of(9, JsonArbitraries.targetObjects().map(t -> (Object) t)),
            Tuple.of(1, JsonArbitraries.jsonValues(2)));
    return element.list().ofMaxSize(4).map(JsonArbitraries::render);
  }

  @Provide
  Arbitrary<String> escapedPaths() {
    Arbitrary<String> segment =
        Arbitraries.oneOf(
            Arbitraries.strings().withChars("abcXYZ019-._~").ofMinLength(1).ofMaxLength(6),
            Arbitraries.of("%2F", "%25", "%20", "%41", "%3F", "%23", "%26", "%3D", "%2B"));
    Arbitrary<String> path =
        segment.list().ofMinSize(1).ofMaxSize(4).map(l -> "/" + String.join("", l));
    Arbitrary<String> query =
        Arbitraries.oneOf(
            Arbitraries.just(""),
            segment.list().ofMinSize(1).ofMaxSize(3).map(l -> "?k=" + String.join("", l)));
    return Combinators.combine(path, query).as((p, q) -> p + q);
  }
}
